using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Incus.Bench.Suite;

/// <summary>
/// The staged incusd on a directory of its own under /tmp, each start in a fresh network namespace, so the
/// suite never touches the host's network or a real installation. The directory outlives restarts (that is
/// what a cold start measures); disposing stops the daemon and removes the namespace and the directory.
/// </summary>
public sealed class ThrowawayDaemon : IAsyncDisposable
{
    private const int SigTerm = 15;
    private readonly string _incusd;
    private readonly ConcurrentQueue<string> _log = new();
    private Process? _supervisor;
    private string? _namespace;

    private ThrowawayDaemon(string incusd, string directory)
    {
        _incusd = incusd;
        Directory = directory;
    }

    public string Directory { get; }

    public string SocketPath => Path.Combine(Directory, "unix.socket");

    /// <summary>The network namespace of the current start (null when stopped); its listeners are reachable only there.</summary>
    public string? NetworkNamespace => _namespace;

    public int SupervisorPid => _supervisor?.Id ?? throw new InvalidOperationException("the daemon is not running");

    public string RecentLog => string.Join('\n', _log);

    public static ThrowawayDaemon Create(string stageDirectory)
    {
        string incusd = Path.Combine(stageDirectory, "incusd", "incusd");
        if (!File.Exists(incusd))
        {
            throw new BenchmarkFailedException($"no staged daemon at {incusd}: run packaging/stage.sh {stageDirectory} Release (or tests/run) first");
        }

        return new ThrowawayDaemon(incusd, System.IO.Directory.CreateTempSubdirectory("incus-bench-").FullName);
    }

    /// <summary>Starts incusd in a new namespace and returns the time from spawning it to its first 200 on GET /1.0.</summary>
    public async Task<TimeSpan> StartAsync(CancellationToken cancellationToken)
    {
        if (_supervisor is not null)
        {
            throw new InvalidOperationException("already running");
        }

        _namespace = $"incus-bench-{Guid.NewGuid():N}"[..20];
        (await ExternalProgram.RunAsync("/bin/ip", ["netns", "add", _namespace], cancellationToken)).EnsureSuccess("ip netns add");
        var start = new ProcessStartInfo("/bin/ip")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        // ip netns exec execs in place, so the supervisor keeps the pid of the process started here.
        foreach (string argument in new[] { "netns", "exec", _namespace, _incusd, "--dir", Directory })
        {
            start.ArgumentList.Add(argument);
        }

        using var api = new UnixSocketApi(SocketPath, maxConnections: 1);
        long spawned = Stopwatch.GetTimestamp();
        _supervisor = Process.Start(start) ?? throw new BenchmarkFailedException("could not start incusd");
        _supervisor.ErrorDataReceived += (_, e) => Remember(e.Data);
        _supervisor.OutputDataReceived += (_, e) => Remember(e.Data);
        _supervisor.BeginErrorReadLine();
        _supervisor.BeginOutputReadLine();
        while (true)
        {
            if (_supervisor.HasExited)
            {
                throw new BenchmarkFailedException($"incusd exited with {_supervisor.ExitCode}:\n{RecentLog}");
            }

            try
            {
                if ((await api.GetAsync("/1.0", cancellationToken)).Status == 200)
                {
                    return Stopwatch.GetElapsedTime(spawned);
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet: poll again shortly, the granularity bounds the error of the figure.
            }

            if (Stopwatch.GetElapsedTime(spawned) > TimeSpan.FromSeconds(60))
            {
                throw new BenchmarkFailedException($"incusd did not answer GET /1.0 within 60 s:\n{RecentLog}");
            }

            await Task.Delay(2, cancellationToken);
        }
    }

    /// <summary>Stops the daemon the way an init system would (SIGTERM, then SIGKILL after a grace period) and drops its namespace.</summary>
    public async Task StopAsync()
    {
        if (_supervisor is not null)
        {
            if (!_supervisor.HasExited)
            {
                _ = Kill(_supervisor.Id, SigTerm);
                using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                try
                {
                    await _supervisor.WaitForExitAsync(grace.Token);
                }
                catch (OperationCanceledException)
                {
                    _supervisor.Kill(entireProcessTree: true);
                    await _supervisor.WaitForExitAsync();
                }
            }

            _supervisor.Dispose();
            _supervisor = null;
        }

        if (_namespace is not null)
        {
            await ExternalProgram.RunAsync("/bin/ip", ["netns", "delete", _namespace], CancellationToken.None);
            _namespace = null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"incus-bench: could not remove {Directory}: {ex.Message}");
        }
    }

    private void Remember(string? line)
    {
        if (line is null)
        {
            return;
        }

        _log.Enqueue(line);
        while (_log.Count > 100)
        {
            _log.TryDequeue(out _);
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
