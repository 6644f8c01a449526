using System.Diagnostics;

namespace Incus.Bench.Suite;

/// <summary>
/// The LXD baseline, started by the user (it has no throwaway mode here). For the cold-start figure it is
/// shut down with <c>lxd shutdown</c> and started again with the very argv, environment and network
/// namespace it was running with, so the suite needs no knowledge of how it was set up.
/// </summary>
public sealed class LxdDaemon(string socketPath)
{
    public string SocketPath { get; } = socketPath;

    public int Pid => SocketPeer.ProcessId(SocketPath);

    /// <returns>Null when LXD can be restarted, else why not.</returns>
    public static string? WhyNotRestartable()
    {
        if (ExternalProgram.FindOnPath("lxd") is null)
        {
            return "the lxd program is not on PATH";
        }

        return Environment.UserName == "root" ? null : "restarting LXD needs root";
    }

    /// <summary>Shuts LXD down, starts it again as it was, and returns the time from spawn to the first 200 on GET /1.0.</summary>
    public async Task<TimeSpan> RestartAsync(CancellationToken cancellationToken)
    {
        int pid = Pid;
        string[] argv = File.ReadAllText($"/proc/{pid}/cmdline").Split('\0', StringSplitOptions.RemoveEmptyEntries);
        var environment = File.ReadAllText($"/proc/{pid}/environ").Split('\0', StringSplitOptions.RemoveEmptyEntries)
            .Select(entry => entry.Split('=', 2)).Where(pair => pair.Length == 2).ToDictionary(pair => pair[0], pair => pair[1]);
        string networkNamespace = (await ExternalProgram.RunAsync("/bin/ip", ["netns", "identify", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)],
            cancellationToken)).Output.Trim();
        string lxdDirectory = environment.GetValueOrDefault("LXD_DIR") ?? Path.GetDirectoryName(SocketPath)!;

        (await ExternalProgram.RunAsync("lxd", ["shutdown", "--timeout", "50"], cancellationToken,
            new Dictionary<string, string> { ["LXD_DIR"] = lxdDirectory }, TimeSpan.FromSeconds(70))).EnsureSuccess("lxd shutdown");
        for (int waited = 0; Directory.Exists($"/proc/{pid}") && waited < 300; waited++)
        {
            await Task.Delay(100, cancellationToken);
        }

        // setsid and /dev/null: the restarted LXD must outlive the suite and must not hold its output pipes
        // (a caller reading them to the end would wait for LXD). Its own --logfile keeps its log. The open-files
        // limit is raised as LXD's service unit does.
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        foreach (string argument in new[] { "-c", "ulimit -n \"$(ulimit -Hn)\" 2>/dev/null; exec setsid \"$@\" </dev/null >/dev/null 2>&1", "sh" })
        {
            start.ArgumentList.Add(argument);
        }

        if (networkNamespace.Length > 0)
        {
            foreach (string argument in new[] { "/bin/ip", "netns", "exec", networkNamespace })
            {
                start.ArgumentList.Add(argument);
            }
        }

        foreach (string argument in argv)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Clear();
        foreach ((string key, string value) in environment)
        {
            start.Environment[key] = value;
        }

        using var api = new UnixSocketApi(SocketPath, maxConnections: 1);
        long spawned = Stopwatch.GetTimestamp();
        using (Process.Start(start))
        {
        }

        while (Stopwatch.GetElapsedTime(spawned) < TimeSpan.FromSeconds(120))
        {
            try
            {
                if ((await api.GetAsync("/1.0", cancellationToken)).Status == 200)
                {
                    return Stopwatch.GetElapsedTime(spawned);
                }
            }
            catch (HttpRequestException)
            {
                // The old socket file may linger until the new daemon replaces it.
            }

            await Task.Delay(2, cancellationToken);
        }

        throw new BenchmarkFailedException($"LXD did not answer GET /1.0 within 120 s after being restarted as: {string.Join(' ', argv)}");
    }
}
