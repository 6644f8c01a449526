using System.Diagnostics;
using System.Net.Sockets;
using Incus.Daemon.Helpers;
using Incus.Platform;
using Incus.Sdk.Helpers;

namespace Incus.Bench.Filters;

/// <summary>
/// The staged net helper, started by this process in a network namespace of its own with a
/// temporary INCUS_DIR, accepting this process as its caller (the way the supervisor introduces the core).
/// </summary>
public sealed class BenchNetHelper : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly Process _process;
    private readonly HelperConnection<INetHelper> _connection;

    private BenchNetHelper(string networkNamespace, string directory, Socket listener, Process process, HelperConnection<INetHelper> connection)
    {
        Namespace = networkNamespace;
        Directory = directory;
        _listener = listener;
        _process = process;
        _connection = connection;
        Client = new NetHelperClient(connection);
    }

    public string Namespace { get; }
    public string Directory { get; }
    public INetHelper Client { get; }

    public static async Task<BenchNetHelper> StartAsync(string stage)
    {
        string helper = Path.Combine(stage, "helpers", "net", "incus-helper-net");
        if (!File.Exists(helper))
        {
            throw new InvalidOperationException($"{helper} is missing: run packaging/stage.sh {stage} Release first");
        }
        string networkNamespace = $"incus-fb-{Guid.NewGuid():N}"[..20];
        await RunAsync("/bin/ip", "netns", "add", networkNamespace);
        await RunAsync("/bin/ip", "netns", "exec", networkNamespace, "/bin/ip", "link", "set", "lo", "up");
        string directory = System.IO.Directory.CreateTempSubdirectory("incus-fb-").FullName;
        File.SetUnixFileMode(directory, (UnixFileMode)0b111_001_001);
        string socketPath = Path.Combine(directory, "net-helper.socket");
        var listener = UnixListener.Create(socketPath, UnixFileMode.UserRead | UnixFileMode.UserWrite, 0, 0);
        int fd = (int)listener.SafeHandle.DangerousGetHandle();
        var start = new ProcessStartInfo("/bin/ip") { RedirectStandardInput = true, RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string argument in new[] { "netns", "exec", networkNamespace, helper, "--listen-fd", fd.ToString(), "--caller-uid", "0", "--dir", directory })
        {
            start.ArgumentList.Add(argument);
        }
        var process = DescriptorInheritance.StartWithDescriptor(start, fd);
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        await process.StandardInput.WriteLineAsync($"allow-pid {Environment.ProcessId}");
        await process.StandardInput.FlushAsync();
        var connection = new HelperConnection<INetHelper>("net", socketPath, Serilog.Core.Logger.None);
        return new BenchNetHelper(networkNamespace, directory, listener, process, connection);
    }

    public async ValueTask DisposeAsync()
    {
        await _connection.DisposeAsync();
        _process.StandardInput.Close();
        if (!_process.WaitForExit(TimeSpan.FromSeconds(20)))
        {
            _process.Kill(entireProcessTree: true);
        }
        _process.Dispose();
        _listener.Dispose();
        // Deleting the namespace takes its bridge, veths and rules with it.
        await RunAsync("/bin/ip", "netns", "delete", Namespace);
        System.IO.Directory.Delete(Directory, recursive: true);
    }

    private static async Task RunAsync(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        string error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed: {error.Trim()}");
        }
    }
}
