using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Sockets;
using Incus.Platform;

namespace Incus.Tests.Integration;

/// <summary>
/// A real incusd (supervisor, core, helpers) in its own fresh network namespace with a temporary
/// INCUS_DIR. Disposing stops it and removes the namespace and the directory.
/// </summary>
public sealed class RunningDaemon : IAsyncDisposable
{
    private readonly Process _supervisor;
    private readonly ConcurrentQueue<string> _log = new();

    private RunningDaemon(string networkNamespace, string directory, Process supervisor)
    {
        Namespace = networkNamespace;
        Directory = directory;
        _supervisor = supervisor;
        supervisor.ErrorDataReceived += (_, e) => Remember(e.Data);
        supervisor.OutputDataReceived += (_, e) => Remember(e.Data);
        supervisor.BeginErrorReadLine();
        supervisor.BeginOutputReadLine();
    }

    public string Namespace { get; }
    public string Directory { get; }
    public string SocketPath => Path.Combine(Directory, "unix.socket");
    public int SupervisorPid => _supervisor.Id;
    public bool HasExited => _supervisor.HasExited;
    public string RecentLog => string.Join('\n', _log);

    /// <summary>The metadata of the first successful <c>GET /1.0</c> while waiting for the daemon to start.</summary>
    public System.Text.Json.JsonElement? FirstServerInfo { get; private set; }

    public static Task<RunningDaemon> StartAsync(params string[] extraArguments) => StartInNamespaceAsync(Stage.Incusd, [], extraArguments);

    /// <summary>
    /// Starts the daemon in a mount namespace of its own in which each of <paramref name="hiddenPrograms"/>
    /// is replaced by <c>/bin/false</c> (for example to make nftables unusable); the host keeps its view.
    /// </summary>
    public static Task<RunningDaemon> StartHidingAsync(IReadOnlyList<string> hiddenPrograms, params string[] extraArguments) =>
        StartInNamespaceAsync(Stage.Incusd, hiddenPrograms.Select(program => (program, "/bin/false")).ToList(), extraArguments);

    /// <summary>
    /// Starts the daemon in a mount namespace of its own in which each file named by a key of
    /// <paramref name="replacements"/> is the file named by its value; the host keeps its view.
    /// </summary>
    public static Task<RunningDaemon> StartReplacingAsync(IReadOnlyDictionary<string, string> replacements, params string[] extraArguments) =>
        StartInNamespaceAsync(Stage.Incusd, replacements.Select(pair => (pair.Key, pair.Value)).ToList(), extraArguments);

    /// <summary>Starts another incusd than the stage's, such as one unpacked from the .deb files.</summary>
    public static Task<RunningDaemon> StartProgramAsync(string incusd, params string[] extraArguments) => StartInNamespaceAsync(incusd, [], extraArguments);

    private static async Task<RunningDaemon> StartInNamespaceAsync(string incusd, IReadOnlyList<(string Target, string Source)> replacements, string[] extraArguments)
    {
        Stage.RequireRoot();
        string name = $"incus-it-{Guid.NewGuid():N}"[..20];
        (await Command.RunAsync("/bin/ip", "netns", "add", name)).EnsureSuccess("ip netns add");
        string directory = System.IO.Directory.CreateTempSubdirectory("incus-it-").FullName;
        var start = new ProcessStartInfo(replacements.Count == 0 ? "/bin/ip" : "/usr/bin/unshare")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        IEnumerable<string> arguments = new[] { "netns", "exec", name, incusd, "--dir", directory, "--verbose" }.Concat(extraArguments);
        if (replacements.Count > 0)
        {
            // unshare and sh exec in place, so the supervisor keeps the pid of the process started here.
            string mounts = string.Concat(replacements.Select(r => $"mount --bind '{r.Source}' '{r.Target}' && "));
            arguments = ["-m", "--propagation", "private", "/bin/sh", "-c", mounts + "exec /bin/ip \"$@\"", "sh", .. arguments];
        }
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        var daemon = new RunningDaemon(name, directory, Process.Start(start)!);
        try
        {
            await daemon.WaitForApiAsync(TimeSpan.FromSeconds(60));
        }
        catch
        {
            await daemon.DisposeAsync();
            throw;
        }
        return daemon;
    }

    public async Task WaitForApiAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (_supervisor.HasExited)
            {
                throw new InvalidOperationException($"incusd exited with {_supervisor.ExitCode}:\n{RecentLog}");
            }
            try
            {
                var answer = await UnixHttp.GetAsync(SocketPath, "/1.0");
                if (answer.Status == 200)
                {
                    FirstServerInfo = answer.Metadata.Clone();
                    return;
                }
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
                // Not listening yet.
            }
            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException($"incusd did not answer within {timeout}:\n{RecentLog}");
            }
            await Task.Delay(50);
        }
    }

    /// <summary>Direct children of the supervisor, by the program they run.</summary>
    public int? ChildPid(string programName)
    {
        foreach (string entry in System.IO.Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(entry), out int pid))
            {
                continue;
            }
            try
            {
                if (ProcessStatus.Read(pid).ParentPid != SupervisorPid)
                {
                    continue;
                }
                string first = File.ReadAllText($"/proc/{pid}/cmdline").Split('\0')[0];
                if (Path.GetFileName(first) == programName)
                {
                    return pid;
                }
            }
            catch (IOException)
            {
                // The process ended while we looked.
            }
        }
        return null;
    }

    public int CorePid => ChildPid("incus-core") ?? throw new InvalidOperationException($"no core process:\n{RecentLog}");

    public int HelperPid(string helper) => ChildPid($"incus-helper-{helper}") ?? throw new InvalidOperationException($"no {helper} helper:\n{RecentLog}");

    /// <summary>Waits until the named child runs with a pid other than <paramref name="previous"/>.</summary>
    public async Task<int> WaitForRestartAsync(string programName, int previous, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (ChildPid(programName) is int pid && pid != previous)
            {
                return pid;
            }
            await Task.Delay(50);
        }
        throw new TimeoutException($"{programName} was not restarted:\n{RecentLog}");
    }

    /// <summary>
    /// Sends one API request; a 202 is followed to the operation's end. With <paramref name="mustSucceed"/>
    /// a failure of either throws, with the daemon's recent log.
    /// </summary>
    public async Task<UnixHttp.Answer> ApiAsync(HttpMethod method, string path, object? body = null, bool mustSucceed = true)
    {
        var answer = await UnixHttp.SendAsync(SocketPath, method, path, body is null ? null : System.Text.Json.JsonSerializer.Serialize(body));
        if (mustSucceed && answer.Status is not (200 or 201 or 202))
        {
            throw new InvalidOperationException($"{method} {path}: {answer.Status} {answer.Error}\n{RecentLog}");
        }
        if (answer.Status == 202)
        {
            var done = await UnixHttp.GetAsync(SocketPath, $"{answer.Body.GetProperty("operation").GetString()}/wait?timeout=120");
            if (mustSucceed && done.Metadata.GetProperty("status").GetString() != "Success")
            {
                throw new InvalidOperationException($"{method} {path}: {done.Metadata.GetProperty("err").GetString()}\n{RecentLog}");
            }
        }
        return answer;
    }

    public async Task<int> StopAsync(TimeSpan timeout)
    {
        if (!_supervisor.HasExited)
        {
            ProcessSignals.Send(SupervisorPid, ProcessSignals.SigTerm);
        }
        using var cancel = new CancellationTokenSource(timeout);
        await _supervisor.WaitForExitAsync(cancel.Token);
        return _supervisor.ExitCode;
    }

    private void Remember(string? line)
    {
        if (line is null)
        {
            return;
        }
        _log.Enqueue(line);
        while (_log.Count > 200)
        {
            _log.TryDequeue(out _);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_supervisor.HasExited)
        {
            try
            {
                await StopAsync(TimeSpan.FromSeconds(30));
            }
            catch (OperationCanceledException)
            {
                _supervisor.Kill(entireProcessTree: true);
            }
        }
        _supervisor.Dispose();
        await Command.RunAsync("/bin/ip", "netns", "delete", Namespace);
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
