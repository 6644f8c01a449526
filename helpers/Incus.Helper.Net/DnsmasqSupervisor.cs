using System.Diagnostics;
using System.Globalization;
using Incus.Platform;

namespace Incus.Helpers.Net;

/// <summary>
/// Runs one dnsmasq per bridge and keeps it running: when one dies unasked it is started again with
/// the same argv. The pid of each is recorded beside its files, so a restarted helper can stop the
/// dnsmasq its predecessor left behind instead of starting a second one on the same bridge.
/// </summary>
public sealed class DnsmasqSupervisor
{
    public const string Program = "/usr/sbin/dnsmasq";
    private static readonly TimeSpan StartPatience = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan RestartDelay = TimeSpan.FromMilliseconds(200);
    private readonly Dictionary<string, Supervised> _running = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly Action<string> _log;

    public DnsmasqSupervisor(Action<string> log) => _log = log;

    /// <summary>Starts dnsmasq for a bridge unless it already runs with exactly this argv.</summary>
    public async Task EnsureAsync(string bridge, IReadOnlyList<string> arguments, string pidFile, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_running.TryGetValue(bridge, out var current) && current.Arguments.SequenceEqual(arguments) && !current.Process.HasExited)
            {
                return;
            }
        }
        await StopAsync(bridge, pidFile).ConfigureAwait(false);
        var supervised = new Supervised(bridge, arguments.ToArray(), pidFile);
        Launch(supervised);
        // dnsmasq checks its options, binds its sockets and drops to its user before it logs "started";
        // an exit before that line is a failure, the line itself means it serves.
        var exited = supervised.Process.WaitForExitAsync(cancellationToken);
        var first = await Task.WhenAny(supervised.Started, exited).WaitAsync(StartPatience, cancellationToken).ConfigureAwait(false);
        if (first == supervised.Started && !supervised.Process.HasExited)
        {
            lock (_gate)
            {
                _running[bridge] = supervised;
            }
            _ = WatchAsync(supervised);
            return;
        }
        await exited.ConfigureAwait(false);
        string errors = supervised.RecentErrors();
        File.Delete(pidFile);
        throw new InvalidOperationException($"dnsmasq for {bridge} exited before it started serving (exit {supervised.Process.ExitCode}): {errors}");
    }

    /// <summary>Asks the bridge's dnsmasq to re-read its host entries.</summary>
    public void Reload(string bridge)
    {
        Supervised? current;
        lock (_gate)
        {
            _running.TryGetValue(bridge, out current);
        }
        if (current is { Process.HasExited: false })
        {
            ProcessSignals.Send(current.Process.Id, ProcessSignals.SigHup);
        }
    }

    public bool IsRunning(string bridge)
    {
        lock (_gate)
        {
            return _running.TryGetValue(bridge, out var current) && !current.Process.HasExited;
        }
    }

    /// <summary>Stops the bridge's dnsmasq, including one a previous helper left running.</summary>
    public async Task StopAsync(string bridge, string pidFile)
    {
        Supervised? current;
        lock (_gate)
        {
            _running.Remove(bridge, out current);
        }
        if (current is not null)
        {
            current.Stopping = true;
            if (!current.Process.HasExited)
            {
                current.Process.Kill();
                await current.Process.WaitForExitAsync().ConfigureAwait(false);
            }
        }
        else if (LeftoverPid(bridge, pidFile) is int leftover)
        {
            _log($"stopping dnsmasq pid {leftover} left behind for {bridge}");
            ProcessSignals.Send(leftover, ProcessSignals.SigKill);
            for (int i = 0; i < 50 && Directory.Exists($"/proc/{leftover}"); i++)
            {
                await Task.Delay(20).ConfigureAwait(false);
            }
        }
        // Stopping a bridge that has no dnsmasq is a no-op: its directory is gone after a delete, or was never
        // made for a bridge without addresses, and File.Delete throws for a missing directory.
        if (File.Exists(pidFile))
        {
            File.Delete(pidFile);
        }
    }

    /// <summary>Stops every dnsmasq this helper runs (the helper is exiting).</summary>
    public async Task StopAllAsync()
    {
        string[] bridges;
        lock (_gate)
        {
            bridges = _running.Keys.ToArray();
        }
        foreach (string bridge in bridges)
        {
            Supervised? current;
            lock (_gate)
            {
                _running.TryGetValue(bridge, out current);
            }
            if (current is not null)
            {
                await StopAsync(bridge, current.PidFile).ConfigureAwait(false);
            }
        }
    }

    private void Launch(Supervised supervised)
    {
        var process = Process.Start(FixedCommand.StartInfo(Program, supervised.Arguments))
            ?? throw new InvalidOperationException("could not start dnsmasq");
        process.StandardInput.Close();
        supervised.Process = process;
        File.WriteAllText(supervised.PidFile, process.Id.ToString(CultureInfo.InvariantCulture) + "\n");
        _ = supervised.DrainAsync(process.StandardOutput);
        _ = supervised.DrainAsync(process.StandardError);
    }

    private async Task WatchAsync(Supervised supervised)
    {
        while (true)
        {
            await supervised.Process.WaitForExitAsync().ConfigureAwait(false);
            if (supervised.Stopping)
            {
                return;
            }
            _log($"dnsmasq for {supervised.Bridge} exited with {supervised.Process.ExitCode}; starting it again: {supervised.RecentErrors()}");
            await Task.Delay(RestartDelay).ConfigureAwait(false);
            lock (_gate)
            {
                if (supervised.Stopping || !_running.TryGetValue(supervised.Bridge, out var current) || current != supervised)
                {
                    return;
                }
                try
                {
                    Launch(supervised);
                }
                catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception or IOException)
                {
                    _log($"could not restart dnsmasq for {supervised.Bridge}: {ex.Message}");
                    _running.Remove(supervised.Bridge);
                    return;
                }
            }
        }
    }

    /// <summary>The recorded pid, if that process is still a dnsmasq serving this bridge.</summary>
    private static int? LeftoverPid(string bridge, string pidFile)
    {
        if (!File.Exists(pidFile) || !int.TryParse(File.ReadAllText(pidFile).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
        {
            return null;
        }
        string[] argv;
        try
        {
            argv = File.ReadAllText($"/proc/{pid}/cmdline").Split('\0');
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
        return argv.Length > 0 && argv[0] == Program && argv.Contains($"--interface={bridge}", StringComparer.Ordinal) ? pid : null;
    }

    private sealed class Supervised(string bridge, string[] arguments, string pidFile)
    {
        private readonly Queue<string> _errors = new();
        private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Completes when dnsmasq has logged that it started (sockets bound, privileges dropped).</summary>
        public Task Started => _started.Task;

        public string Bridge { get; } = bridge;
        public string[] Arguments { get; } = arguments;
        public string PidFile { get; } = pidFile;
        public Process Process { get; set; } = null!;
        public volatile bool Stopping;

        public string RecentErrors()
        {
            lock (_errors)
            {
                return string.Join("; ", _errors);
            }
        }

        public async Task DrainAsync(StreamReader reader)
        {
            while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
            {
                if (line.Contains("started, version", StringComparison.Ordinal))
                {
                    _started.TrySetResult();
                }
                lock (_errors)
                {
                    _errors.Enqueue(line);
                    while (_errors.Count > 5)
                    {
                        _errors.Dequeue();
                    }
                }
                Console.Error.WriteLine($"dnsmasq[{Bridge}]: {line}");
            }
        }
    }
}
