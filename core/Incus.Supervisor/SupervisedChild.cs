using System.Diagnostics;
using Incus.Platform;
using Serilog;

namespace Incus.Supervisor;

/// <summary>
/// One child process that is restarted when it dies. Its stdin stays with the supervisor (closing it
/// tells the child to exit, and helpers read their allowed callers from it); its stderr is relayed
/// into the daemon log.
/// </summary>
public sealed class SupervisedChild(ChildSpec spec, ILogger log) : IDisposable
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);
    private Process? _process;
    private readonly Lock _gate = new();

    public string Name => spec.Name;

    /// <summary>Raised after each (re)start with the new pid.</summary>
    public event Action<SupervisedChild, int>? Started;

    /// <summary>Raised when the child exits, with its old pid.</summary>
    public event Action<SupervisedChild, int>? Exited;

    public int? Pid
    {
        get
        {
            lock (_gate)
            {
                return _process is { HasExited: false } p ? p.Id : null;
            }
        }
    }

    public void Start()
    {
        var start = new ProcessStartInfo(spec.Program)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        foreach (string argument in spec.Arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = DescriptorInheritance.StartWithDescriptor(start, spec.InheritedFd);
        var childLog = log.ForContext("Component", spec.Name);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { Length: > 0 } line)
            {
                childLog.Information("{Line}", line);
            }
        };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { Length: > 0 } line)
            {
                childLog.Information("{Line}", line);
            }
        };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        lock (_gate)
        {
            _process = process;
        }
        log.Information("started {Child} pid {Pid}", spec.Name, process.Id);
        Started?.Invoke(this, process.Id);
    }

    /// <summary>Keeps the child running until <paramref name="stopping"/> fires.</summary>
    public async Task SuperviseAsync(CancellationToken stopping)
    {
        var backoff = TimeSpan.FromMilliseconds(100);
        while (true)
        {
            Process process;
            lock (_gate)
            {
                process = _process ?? throw new InvalidOperationException("child not started");
            }
            var startedAt = DateTime.UtcNow;
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            int pid = process.Id;
            int code = process.ExitCode;
            Exited?.Invoke(this, pid);
            if (stopping.IsCancellationRequested)
            {
                return;
            }
            log.Warning("{Child} (pid {Pid}) exited with {Code}; restarting", spec.Name, pid, code);
            if (DateTime.UtcNow - startedAt > TimeSpan.FromSeconds(30))
            {
                backoff = TimeSpan.FromMilliseconds(100);
            }
            try
            {
                await Task.Delay(backoff, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
            Start();
        }
    }

    /// <summary>Sends one control line on the child's stdin.</summary>
    public void SendControl(string line)
    {
        lock (_gate)
        {
            if (_process is { HasExited: false } process)
            {
                try
                {
                    process.StandardInput.WriteLine(line);
                    process.StandardInput.Flush();
                }
                catch (Exception ex) when (ex is IOException or ObjectDisposedException)
                {
                    // The child died or is stopping; a restarted child is sent the state again.
                    log.Debug("control line to {Child} lost: {Message}", spec.Name, ex.Message);
                }
            }
        }
    }

    /// <summary>Asks the child to exit (SIGTERM and stdin EOF), then kills it after the grace period.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        Process? process;
        lock (_gate)
        {
            process = _process;
        }
        if (process is null || process.HasExited)
        {
            return;
        }
        try
        {
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // Already closed by the child's exit.
        }
        try
        {
            ProcessSignals.Send(process.Id, ProcessSignals.SigTerm);
        }
        catch (IOException)
        {
            // It exited between the check and the signal.
        }
        using var timeout = new CancellationTokenSource(grace);
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            log.Warning("{Child} did not stop within {Grace}; killing it", spec.Name, grace);
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _process?.Dispose();
        }
    }
}
