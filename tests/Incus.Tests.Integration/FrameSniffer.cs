using System.Diagnostics;
using System.Globalization;

namespace Incus.Tests.Integration;

/// <summary>
/// Counts the frames that arrive on one interface and contain a byte pattern: an AF_PACKET socket
/// in a Python child, started before the frames are sent and stopped (stdin closed) after.
/// </summary>
public sealed class FrameSniffer : IAsyncDisposable
{
    private const string Script = """
        import select, socket, sys
        pattern = bytes.fromhex(sys.argv[1])
        s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
        s.bind((sys.argv[2], 0))
        print('ready', flush=True)
        count = 0
        while True:
            ready, _, _ = select.select([s, sys.stdin], [], [], 60)
            if not ready or (sys.stdin in ready and s not in ready):
                break
            frame, address = s.recvfrom(65535)
            if address[2] != socket.PACKET_OUTGOING and pattern in frame:
                count += 1
        s.setblocking(False)
        try:
            while True:
                frame, address = s.recvfrom(65535)
                if address[2] != socket.PACKET_OUTGOING and pattern in frame:
                    count += 1
        except BlockingIOError:
            pass
        print(count, flush=True)
        """;

    private readonly Process _process;

    private FrameSniffer(Process process) => _process = process;

    /// <summary>Starts sniffing <paramref name="device"/> in the network namespace that <paramref name="enter"/> (a command prefix) runs in.</summary>
    public static async Task<FrameSniffer> StartAsync(IReadOnlyList<string> enter, string device, byte[] pattern)
    {
        var start = new ProcessStartInfo(enter[0]) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in enter.Skip(1).Concat(["/usr/bin/python3", "-c", Script, Convert.ToHexStringLower(pattern), device]))
        {
            start.ArgumentList.Add(argument);
        }
        var process = Process.Start(start)!;
        var sniffer = new FrameSniffer(process);
        var ready = process.StandardOutput.ReadLineAsync();
        if (await Task.WhenAny(ready, Task.Delay(TimeSpan.FromSeconds(20))) != ready || await ready != "ready")
        {
            process.Kill();
            throw new InvalidOperationException($"the sniffer on {device} did not start: {await process.StandardError.ReadToEndAsync()}");
        }
        return sniffer;
    }

    /// <summary>Stops sniffing and returns how many matching frames arrived.</summary>
    public async Task<int> StopAsync()
    {
        // Frames still in flight (a bridge queue, a veth) get a moment to land.
        await Task.Delay(300);
        _process.StandardInput.Close();
        string output = await _process.StandardOutput.ReadToEndAsync();
        await _process.WaitForExitAsync();
        string last = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "";
        return int.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out int count)
            ? count
            : throw new InvalidOperationException($"the sniffer said \"{output}\": {await _process.StandardError.ReadToEndAsync()}");
    }

    public ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }
        _process.Dispose();
        return ValueTask.CompletedTask;
    }
}
