using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using Incus.Daemon.Helpers;
using Incus.Platform;
using Incus.Sdk.Helpers;

namespace Incus.DriverCheck;

/// <summary>
/// The real instance helper, started on a fresh INCUS_DIR with this process as its only caller, as the
/// supervisor starts it for the core. Storage drivers are checked against it, not against a fake, so a
/// driver passes only if it works with the helper the daemon ships.
/// </summary>
public sealed class InstanceHelperProcess : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly Process _process;
    private readonly HelperConnection<IStorageHelper> _connection;
    private readonly ConcurrentQueue<string> _output = new();

    private InstanceHelperProcess(string incusDirectory, string socketPath, Socket listener, Process process)
    {
        IncusDirectory = incusDirectory;
        _listener = listener;
        _process = process;
        _connection = new HelperConnection<IStorageHelper>("instance", socketPath, Serilog.Core.Logger.None);
        Storage = new StorageHelperClient(_connection);
        process.ErrorDataReceived += (_, e) => Remember(e.Data);
        process.OutputDataReceived += (_, e) => Remember(e.Data);
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
    }

    /// <summary>The helper's INCUS_DIR; its pools live in <c>storage-pools/</c> beneath it.</summary>
    public string IncusDirectory { get; }

    public string StorageRoot => Path.Combine(IncusDirectory, "storage-pools");

    public IStorageHelper Storage { get; }

    public string RecentOutput => string.Join('\n', _output);

    public static async Task<InstanceHelperProcess> StartAsync(string helperPath, string workDirectory)
    {
        if (!File.Exists(helperPath))
        {
            throw new FileNotFoundException($"the instance helper is not at {helperPath}; pass --libdir with the daemon's install directory", helperPath);
        }
        string incusDirectory = Path.Combine(workDirectory, "incus");
        string runDirectory = Path.Combine(workDirectory, "run");
        Directory.CreateDirectory(incusDirectory);
        Directory.CreateDirectory(runDirectory);
        // As the supervisor leaves INCUS_DIR: traversable, not listable.
        File.SetUnixFileMode(incusDirectory, (UnixFileMode)0b111_001_001);
        string socketPath = Path.Combine(runDirectory, "instance.socket");
        var listener = UnixListener.Create(socketPath, UnixFileMode.UserRead | UnixFileMode.UserWrite, 0, 0);
        int fd = (int)listener.SafeHandle.DangerousGetHandle();
        var start = new ProcessStartInfo(helperPath)
        {
            RedirectStandardInput = true,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (string argument in new[] { "--listen-fd", fd.ToString(CultureInfo.InvariantCulture), "--caller-uid", "0", "--dir", incusDirectory })
        {
            start.ArgumentList.Add(argument);
        }
        var process = DescriptorInheritance.StartWithDescriptor(start, fd);
        // The helper serves only the pids its parent announces; here the parent is this process.
        await process.StandardInput.WriteLineAsync($"allow-pid {Environment.ProcessId}").ConfigureAwait(false);
        await process.StandardInput.FlushAsync().ConfigureAwait(false);
        var helper = new InstanceHelperProcess(incusDirectory, socketPath, listener, process);
        try
        {
            // The first call proves the helper runs and accepts us; it also creates the storage root.
            await helper.Storage.ListDirPoolsAsync().ConfigureAwait(false);
        }
        catch
        {
            await helper.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return helper;
    }

    private void Remember(string? line)
    {
        if (line is null)
        {
            return;
        }
        _output.Enqueue(line);
        while (_output.Count > 50)
        {
            _output.TryDequeue(out _);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _connection.DisposeAsync().ConfigureAwait(false);
        // Closing its stdin is the helper's signal that its parent is gone: it stops.
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
