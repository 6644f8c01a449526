using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;

namespace Incus.Platform;

/// <summary>
/// A root helper started by this process instead of by the supervisor, serving this process as its
/// only caller: the way the conformance kit and the benchmarks run a driver against the real helper
/// outside a daemon. The helper gets a listening socket, uid 0 as its caller, and this pid announced
/// on its stdin, exactly as the supervisor introduces the core.
/// </summary>
public sealed class HelperChildProcess : IAsyncDisposable
{
    private const int KeptOutputLines = 50;
    private readonly Socket _listener;
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private HelperChildProcess(string socketPath, Socket listener, Process process)
    {
        SocketPath = socketPath;
        _listener = listener;
        _process = process;
        process.ErrorDataReceived += (_, e) => Remember(e.Data);
        process.OutputDataReceived += (_, e) => Remember(e.Data);
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
    }

    /// <summary>Where the helper accepts connections.</summary>
    public string SocketPath { get; }

    /// <summary>The helper's last lines of output, for messages when a call fails or hangs.</summary>
    public string RecentOutput => string.Join('\n', _output);

    /// <param name="helperPath">The helper binary, for example <c>helpers/net/incus-helper-net</c> of an install.</param>
    /// <param name="incusDirectory">The helper's INCUS_DIR; must exist.</param>
    /// <param name="socketPath">Where to listen; the socket is created here, mode 0600.</param>
    /// <param name="networkNamespace">A named network namespace (<c>ip netns</c>) to run the helper in, or null for this one.</param>
    public static async Task<HelperChildProcess> StartAsync(string helperPath, string incusDirectory, string socketPath, string? networkNamespace = null)
    {
        ArgumentNullException.ThrowIfNull(helperPath);
        if (!File.Exists(helperPath))
        {
            throw new FileNotFoundException($"the helper is not at {helperPath}", helperPath);
        }
        var listener = UnixListener.Create(socketPath, UnixFileMode.UserRead | UnixFileMode.UserWrite, 0, 0);
        try
        {
            int fd = (int)listener.SafeHandle.DangerousGetHandle();
            // `ip netns exec` execs the helper in place, so the helper stays this process's child.
            var start = new ProcessStartInfo(networkNamespace is null ? helperPath : "/bin/ip")
            {
                RedirectStandardInput = true,
                RedirectStandardError = true,
                RedirectStandardOutput = true,
                UseShellExecute = false,
            };
            var arguments = networkNamespace is null ? [] : new List<string> { "netns", "exec", networkNamespace, helperPath };
            arguments.AddRange(["--listen-fd", fd.ToString(CultureInfo.InvariantCulture), "--caller-uid", "0", "--dir", incusDirectory]);
            foreach (string argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }
            var process = DescriptorInheritance.StartWithDescriptor(start, fd);
            var helper = new HelperChildProcess(socketPath, listener, process);
            // The helper serves only the pids its parent announces; here the parent is this process.
            await process.StandardInput.WriteLineAsync($"allow-pid {Environment.ProcessId}").ConfigureAwait(false);
            await process.StandardInput.FlushAsync().ConfigureAwait(false);
            return helper;
        }
        catch
        {
            listener.Dispose();
            throw;
        }
    }

    private void Remember(string? line)
    {
        if (line is null)
        {
            return;
        }
        _output.Enqueue(line);
        while (_output.Count > KeptOutputLines)
        {
            _output.TryDequeue(out _);
        }
    }

    /// <summary>Stops the helper: closing its stdin tells it its parent is gone; it is killed if it does not stop within 10 s.</summary>
    public async ValueTask DisposeAsync()
    {
        _process.StandardInput.Close();
        using (var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
        {
            try
            {
                await _process.WaitForExitAsync(wait.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        _process.Dispose();
        _listener.Dispose();
    }
}
