using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Incus.Bench.Suite;

/// <summary>
/// The <c>all</c> command: every figure of issue 9's table in one run, ours beside LXD, printed as one table
/// and written as one JSON file. Whatever it creates (daemon, namespaces, directories, containers, images,
/// networks on LXD) it removes again, also when a figure fails or the run is interrupted.
/// </summary>
public sealed class SuiteCommand(SuiteOptions options, TextWriter output)
{
    private const string OurImageAlias = "incus-bench-busybox";
    private const string LxdBridge = "incusbench0";
    private readonly List<Figure> _figures = [];
    private readonly List<string> _notes = [];
    private readonly List<Func<Task>> _cleanups = [];

    /// <returns>0, or 1 when the mixed load saw errors or a figure could not be run.</returns>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        output.WriteLine($"incus-bench all{(options.Smoke ? " --smoke (tiny sizes: the figures only prove the suite works)" : "")}");
        bool failed = false;
        try
        {
            failed = !await MeasureAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
        {
            // The figures measured so far are still printed and written; the exit code says the run is incomplete.
            Note($"suite stopped early: {(ex is BenchmarkFailedException ? ex.Message : ex.ToString())}");
            failed = true;
        }
        finally
        {
            output.WriteLine("cleaning up");
            output.Flush();
            // Last created, first removed: containers before the daemon that holds them.
            for (int index = _cleanups.Count - 1; index >= 0; index--)
            {
                try
                {
                    await _cleanups[index]();
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    Note($"cleanup step failed: {ex.Message}");
                }
            }
        }

        PrintTable();
        if (options.JsonFile is not null)
        {
            SuiteReport.WriteJson(options.JsonFile, options.Smoke, _figures, _notes);
            output.WriteLine($"wrote {options.JsonFile}");
        }

        return failed ? 1 : 0;
    }

    private async Task<bool> MeasureAsync(CancellationToken cancellationToken)
    {
        string image = await BuildImageAsync(cancellationToken);
        (SuiteTarget ours, ThrowawayDaemon? daemon) = await PrepareOursAsync(image, cancellationToken);
        SuiteTarget? lxd = await PrepareLxdAsync(image, cancellationToken);

        await MeasureColdStartAndIdleMemoryAsync(ours, daemon, lxd, cancellationToken);
        await MeasureGetAsync(ours, lxd, cancellationToken);
        await MeasureTlsGetAsync(ours, daemon, lxd, cancellationToken);
        await MeasureContainersAsync(ours, lxd, cancellationToken);
        bool loadClean = await MeasureLoadAsync(ours, daemon, cancellationToken);
        Section("NIC filters (bench/Incus.Bench.Filters)");
        foreach (Figure figure in await FilterFigures.MeasureAsync(options, output, cancellationToken))
        {
            Add(figure);
        }

        return loadClean;
    }

    private async Task<string> BuildImageAsync(CancellationToken cancellationToken)
    {
        string image = Path.Combine(Path.GetTempPath(), $"incus-bench-busybox-{Environment.ProcessId}.tar.gz");
        _cleanups.Add(() =>
        {
            File.Delete(image);
            return Task.CompletedTask;
        });
        string script = Path.Combine(options.RepositoryRoot, "tests", "fixtures", "build-busybox-image.sh");
        (await ExternalProgram.RunAsync("/bin/bash", [script, image], cancellationToken)).EnsureSuccess("building the busybox image");
        return image;
    }

    private async Task<(SuiteTarget Target, ThrowawayDaemon? Daemon)> PrepareOursAsync(string image, CancellationToken cancellationToken)
    {
        Section("our daemon");
        ThrowawayDaemon? daemon = null;
        string socket;
        if (options.SocketPath is null)
        {
            daemon = ThrowawayDaemon.Create(options.StageDirectory);
            _cleanups.Add(async () => await daemon.DisposeAsync());
            await daemon.StartAsync(cancellationToken);
            socket = daemon.SocketPath;
            output.WriteLine($"  throwaway daemon from {options.StageDirectory}, directory {daemon.Directory}");
        }
        else
        {
            socket = options.SocketPath;
            output.WriteLine($"  measuring the running daemon at {socket}");
        }

        var api = new UnixSocketApi(socket, maxConnections: 4);
        _cleanups.Add(() =>
        {
            api.Dispose();
            return Task.CompletedTask;
        });
        var target = new SuiteTarget("ours", api, OurImageAlias);
        if (daemon is not null)
        {
            // The cold-start state of issue 9: a dir pool, a bridge, and a default profile with only a root disk
            // (LXD's baseline has no NIC in its profile either, so container figures compare like with like).
            await api.RunAsync(HttpMethod.Post, "/1.0/storage-pools", new { name = "default", driver = "dir" }, cancellationToken);
            await api.RunAsync(HttpMethod.Post, "/1.0/networks", new
            {
                name = "benchbr0",
                type = "bridge",
                config = new Dictionary<string, string> { ["ipv4.address"] = "192.0.2.1/24", ["ipv6.address"] = "2001:db8:b0::1/64" },
            }, cancellationToken);
            await api.RunAsync(HttpMethod.Patch, "/1.0/profiles/default", new
            {
                devices = new Dictionary<string, Dictionary<string, string>> { ["root"] = new() { ["type"] = "disk", ["path"] = "/", ["pool"] = "default" } },
            }, cancellationToken);
        }

        if ((await api.GetAsync($"/1.0/images/aliases/{OurImageAlias}", cancellationToken)).Status == 404)
        {
            string cli = Path.Combine(options.StageDirectory, "cli", "incus");
            var environment = new Dictionary<string, string> { ["INCUS_DIR"] = Path.GetDirectoryName(socket)! };
            (await ExternalProgram.RunAsync(cli, ["image", "import", image], cancellationToken, environment)).EnsureSuccess("incus image import");
            string fingerprint = Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(image, cancellationToken)));
            await api.RunAsync(HttpMethod.Post, "/1.0/images/aliases", new { name = OurImageAlias, target = fingerprint }, cancellationToken);
            if (daemon is null)
            {
                _cleanups.Add(() => api.TryRunAsync(HttpMethod.Delete, $"/1.0/images/{fingerprint}", null, CancellationToken.None));
            }
        }

        return (target, daemon);
    }

    private async Task<SuiteTarget?> PrepareLxdAsync(string image, CancellationToken cancellationToken)
    {
        Section("LXD baseline");
        if (options.LxdSocketPath is null)
        {
            Note($"LXD not measured: {options.LxdSocketSource}; printing our numbers alone");
            return null;
        }

        var api = new UnixSocketApi(options.LxdSocketPath, maxConnections: 4);
        _cleanups.Add(() =>
        {
            api.Dispose();
            return Task.CompletedTask;
        });
        try
        {
            ApiAnswer probe = await api.GetAsync("/1.0", cancellationToken);
            if (probe.Status != 200)
            {
                Note($"LXD not measured: {options.LxdSocketPath} (from {options.LxdSocketSource}) answered GET /1.0 with {probe.Status}");
                return null;
            }

            output.WriteLine($"  LXD {probe.Body.GetProperty("metadata").GetProperty("environment").GetProperty("server_version").GetString()} at {options.LxdSocketPath}");
        }
        catch (HttpRequestException ex)
        {
            Note($"LXD not measured: {options.LxdSocketPath} (from {options.LxdSocketSource}) does not answer: {ex.Message}");
            return null;
        }

        string alias = options.LxdImage ?? OurImageAlias;
        if (options.LxdImage is null && (await api.GetAsync($"/1.0/images/aliases/{alias}", cancellationToken)).Status == 404)
        {
            string? lxc = ExternalProgram.FindOnPath("lxc");
            if (lxc is null)
            {
                Note("LXD not measured: the lxc client (Debian's lxd-client) is needed to import the test image into LXD");
                return null;
            }

            string configuration = Directory.CreateTempSubdirectory("incus-bench-lxc-").FullName;
            try
            {
                (await ExternalProgram.RunAsync(lxc, ["image", "import", image, "--alias", alias], cancellationToken,
                    new Dictionary<string, string> { ["LXD_SOCKET"] = options.LxdSocketPath, ["LXD_CONF"] = configuration })).EnsureSuccess("lxc image import");
            }
            finally
            {
                Directory.Delete(configuration, recursive: true);
            }

            string fingerprint = Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(image, cancellationToken)));
            _cleanups.Add(() => api.TryRunAsync(HttpMethod.Delete, $"/1.0/images/{fingerprint}", null, CancellationToken.None));
        }

        return new SuiteTarget("lxd", api, alias);
    }

    private async Task MeasureColdStartAndIdleMemoryAsync(SuiteTarget ours, ThrowawayDaemon? daemon, SuiteTarget? lxd, CancellationToken cancellationToken)
    {
        Section("cold start and idle memory (dir pool, one bridge, 0 instances)");
        double? oursColdStart = null;
        string? oursWhy = "--socket was given: a running daemon is measured, not started";
        if (daemon is not null)
        {
            var times = new List<double>();
            for (int round = 0; round < options.ColdStartRounds; round++)
            {
                await daemon.StopAsync();
                times.Add((await daemon.StartAsync(cancellationToken)).TotalMilliseconds);
            }

            oursColdStart = ContainerBench.Median(times);
            oursWhy = null;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  ours: {string.Join(", ", times.Select(t => t.ToString("0", CultureInfo.InvariantCulture)))} ms"));
        }

        (double? lxdColdStart, string? lxdWhy) = await LxdColdStartAsync(lxd, cancellationToken);
        string? coldNote = string.Join("; ", new[] { oursWhy, lxdWhy }.Where(why => why is not null));
        Add(new Figure("cold_start", "cold start to first 200 on /1.0", "ms", oursColdStart, lxdColdStart, TargetKind.RatioAtMost, 0.3,
            coldNote.Length == 0 ? null : coldNote));

        // Idle: both daemons just started (or at least have been quiet) and settle for the same time.
        await Task.Delay(options.IdleSettle, cancellationToken);
        int oursRoot = daemon?.SupervisorPid ?? DaemonRoot(SocketPeer.ProcessId(ours.SocketPath));
        ProcessMemory.Footprint oursMemory = ProcessMemory.OfTree(oursRoot);
        double? lxdPss = null;
        string? memoryNote = null;
        if (lxd is not null)
        {
            ProcessMemory.Footprint lxdMemory = ProcessMemory.OfTree(SocketPeer.ProcessId(lxd.SocketPath));
            lxdPss = lxdMemory.PssMegabytes;
            memoryNote = string.Create(CultureInfo.InvariantCulture, $"RSS ours {oursMemory.RssMegabytes:0.#} MB, LXD {lxdMemory.RssMegabytes:0.#} MB");
        }
        else
        {
            memoryNote = string.Create(CultureInfo.InvariantCulture, $"RSS ours {oursMemory.RssMegabytes:0.#} MB");
        }

        // Which processes were summed, so a reader can tell a missing or an extra helper from a real change.
        output.WriteLine($"  ours summed over: {string.Join(", ", oursMemory.Pids.Select(ProcessMemory.CommandName))}");

        Add(new Figure("idle_pss", "idle memory, PSS summed over processes", "MB", oursMemory.PssMegabytes, lxdPss, TargetKind.RatioAtMost, 1.0, memoryNote));
    }

    /// <summary>LXD is restarted as it runs now; not done when it has instances (a restart would stop them) or was asked not to.</summary>
    private async Task<(double? Milliseconds, string? Why)> LxdColdStartAsync(SuiteTarget? lxd, CancellationToken cancellationToken)
    {
        if (lxd is null)
        {
            return (null, null);
        }

        if (!options.RestartLxd)
        {
            return (null, "LXD cold start not measured: --no-lxd-restart");
        }

        if (LxdDaemon.WhyNotRestartable() is string why)
        {
            return (null, $"LXD cold start not measured: {why}");
        }

        ApiAnswer instances = await lxd.Api.GetAsync("/1.0/instances", cancellationToken);
        int count = instances.Body.GetProperty("metadata").GetArrayLength();
        if (count > 0)
        {
            return (null, $"LXD cold start not measured: it has {count} instances, which a restart would stop");
        }

        // The same state as ours: a managed bridge must come up during LXD's start, which is most of its cost.
        if ((await lxd.Api.GetAsync($"/1.0/networks/{LxdBridge}", cancellationToken)).Status == 404)
        {
            await lxd.Api.RunAsync(HttpMethod.Post, "/1.0/networks", new
            {
                name = LxdBridge,
                type = "bridge",
                config = new Dictionary<string, string> { ["ipv4.address"] = "198.51.100.1/24", ["ipv6.address"] = "2001:db8:b1::1/64", ["ipv4.nat"] = "false", ["ipv6.nat"] = "false" },
            }, cancellationToken);
            _cleanups.Add(() => lxd.Api.TryRunAsync(HttpMethod.Delete, $"/1.0/networks/{LxdBridge}", null, CancellationToken.None));
        }

        var daemon = new LxdDaemon(lxd.SocketPath);
        var times = new List<double>();
        for (int round = 0; round < options.ColdStartRounds; round++)
        {
            times.Add((await daemon.RestartAsync(cancellationToken)).TotalMilliseconds);
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  lxd:  {string.Join(", ", times.Select(t => t.ToString("0", CultureInfo.InvariantCulture)))} ms (restarted with its own argv; new pid {daemon.Pid})"));
        return (ContainerBench.Median(times), null);
    }

    /// <summary>For a daemon given by --socket the socket is served by the core; the supervisor is its parent.</summary>
    private static int DaemonRoot(int socketPeer) =>
        ProcessMemory.ParentOf(socketPeer) is int parent && ProcessMemory.CommandName(parent) == "incusd" ? parent : socketPeer;

    private async Task MeasureGetAsync(SuiteTarget ours, SuiteTarget? lxd, CancellationToken cancellationToken)
    {
        Section("GET /1.0 over keep-alive connections");
        foreach ((int connections, double bound) in new[] { (1, 5.0), (16, 4.0) })
        {
            BenchResult oursResult = await new ApiBenchmark(new BenchTarget("ours", ours.SocketPath), "/1.0")
                .RunAsync(connections, options.ApiRequests, 50, cancellationToken);
            BenchResult? lxdResult = lxd is null ? null : await new ApiBenchmark(new BenchTarget("lxd", lxd.SocketPath), "/1.0")
                .RunAsync(connections, options.ApiRequests, 50, cancellationToken);
            output.WriteLine($"  {ResultFormatter.FormatRow(oursResult, lxdResult)}");
            Add(new Figure($"get_1_0_c{connections}", $"GET /1.0 keep-alive, {connections} connection{(connections > 1 ? "s" : "")}", "req/s",
                oursResult.RequestsPerSecond, lxdResult?.RequestsPerSecond, TargetKind.RatioAtLeast, bound, ErrorNote(oursResult, lxdResult)));
        }
    }

    /// <summary>
    /// Issue 8's figure: GET /1.0 over TLS with a client certificate both daemons trust, so both do the
    /// handshake once per connection and then serve the full (trusted) answer on a keep-alive connection.
    /// No target is set for it; the ratio is printed for comparison.
    /// </summary>
    private async Task MeasureTlsGetAsync(SuiteTarget ours, ThrowawayDaemon? daemon, SuiteTarget? lxd, CancellationToken cancellationToken)
    {
        Section("GET /1.0 over TLS (trusted client certificate) on keep-alive connections");
        X509Certificate2 client = TlsTargets.NewClientCertificate();
        _cleanups.Add(() =>
        {
            client.Dispose();
            return Task.CompletedTask;
        });
        (TlsEndpoint? oursTls, string? oursWhy) = await TlsTargets.PrepareOursAsync(ours.Api, daemon?.NetworkNamespace, client, _cleanups, cancellationToken);
        if (oursTls is not null)
        {
            await RequireTrustedAsync(BenchTarget.Over("ours", null, oursTls), cancellationToken);
        }

        (TlsEndpoint? lxdTls, string? lxdWhy) = (null, null);
        if (lxd is not null)
        {
            try
            {
                string? lxdNamespace = await TlsTargets.NamedNetworkNamespaceOfAsync(SocketPeer.ProcessId(lxd.SocketPath), cancellationToken);
                (lxdTls, lxdWhy) = await TlsTargets.PrepareLxdAsync(lxd.Api, client, lxdNamespace, _cleanups, cancellationToken);
                if (lxdTls is not null)
                {
                    output.WriteLine($"  LXD over TLS at {lxdTls.Host}:{lxdTls.Port}{(lxdTls.NetworkNamespace is { } name ? $" in network namespace {name}" : "")}");
                    await RequireTrustedAsync(BenchTarget.Over("lxd", null, lxdTls), cancellationToken);
                }
            }
            catch (Exception ex) when (ex is BenchmarkFailedException || ApiCommand.IsTargetUnavailable(ex))
            {
                // LXD is the baseline, not the subject: without it our figure still stands, with the reason noted.
                (lxdTls, lxdWhy) = (null, $"LXD TLS not measured: {ex.Message}");
            }

            if (lxdWhy is not null)
            {
                Note(lxdWhy);
            }
        }

        foreach (int connections in new[] { 1, 16 })
        {
            string id = $"get_1_0_tls_c{connections}", title = $"GET /1.0 over TLS keep-alive, {connections} connection{(connections > 1 ? "s" : "")}";
            if (oursTls is null)
            {
                Add(Figure.NotMeasured(id, title, "req/s", TargetKind.None, 0, oursWhy ?? "our TLS listener is not available"));
                continue;
            }

            BenchResult oursResult = await new ApiBenchmark(BenchTarget.Over("ours", null, oursTls), "/1.0")
                .RunAsync(connections, options.ApiRequests, 50, cancellationToken);
            BenchResult? lxdResult = lxdTls is null ? null : await new ApiBenchmark(BenchTarget.Over("lxd", null, lxdTls), "/1.0")
                .RunAsync(connections, options.ApiRequests, 50, cancellationToken);
            output.WriteLine($"  {ResultFormatter.FormatRow(oursResult, lxdResult)}");
            string note = string.Join("; ", new[] { ErrorNote(oursResult, lxdResult), lxdWhy }.Where(text => text is not null));
            Add(new Figure(id, title, "req/s", oursResult.RequestsPerSecond, lxdResult?.RequestsPerSecond, TargetKind.None, 0,
                note.Length == 0 ? null : note));
        }
    }

    /// <summary>
    /// GET /1.0 answers untrusted clients too, so a certificate the server did not take would silently be
    /// measured as a stranger's; /1.0/instances tells the two apart (403 for a stranger).
    /// </summary>
    private static async Task RequireTrustedAsync(BenchTarget target, CancellationToken cancellationToken)
    {
        ResponseSummary probe = await new ApiBenchmark(target, "/1.0/instances").ProbeAsync(TimeSpan.FromSeconds(10), cancellationToken);
        if (probe.StatusCode != 200)
        {
            throw new BenchmarkFailedException($"{target.SocketPath} answered GET /1.0/instances over TLS with {probe.StatusCode}: the bench's client certificate is not trusted");
        }
    }

    private async Task MeasureContainersAsync(SuiteTarget ours, SuiteTarget? lxd, CancellationToken cancellationToken)
    {
        Section($"containers (start/stop median of {options.Rounds}; lists with {options.Containers} running)");
        var oursStartStop = await ContainerBench.StartStopAsync(ours, options.Rounds, cancellationToken);
        (double StartMilliseconds, double StopMilliseconds)? lxdStartStop = lxd is null ? null : await ContainerBench.StartStopAsync(lxd, options.Rounds, cancellationToken);
        Add(new Figure("container_start", "container start", "ms", oursStartStop.StartMilliseconds, lxdStartStop?.StartMilliseconds, TargetKind.RatioAtMost, 0.5));
        Add(new Figure("container_stop", "container stop (forced)", "ms", oursStartStop.StopMilliseconds, lxdStartStop?.StopMilliseconds, TargetKind.RatioAtMost, 0.5));

        foreach (SuiteTarget target in lxd is null ? [ours] : new[] { ours, lxd })
        {
            _cleanups.Add(() => ContainerBench.DepopulateAsync(target, options.Containers));
            await ContainerBench.PopulateAsync(target, options.Containers, cancellationToken);
        }

        string title = $"GET /1.0/instances?recursion=2, {options.Containers} running";
        BenchResult oursList = await new ApiBenchmark(new BenchTarget("ours", ours.SocketPath), "/1.0/instances?recursion=2")
            .RunAsync(1, options.RecursionRequests, 3, cancellationToken);
        BenchResult? lxdList = lxd is null ? null : await new ApiBenchmark(new BenchTarget("lxd", lxd.SocketPath), "/1.0/instances?recursion=2")
            .RunAsync(1, options.RecursionRequests, 3, cancellationToken);
        output.WriteLine($"  {ResultFormatter.FormatRow(oursList, lxdList)}");
        Add(new Figure("instances_recursion2", title, "req/s", oursList.RequestsPerSecond, lxdList?.RequestsPerSecond, TargetKind.RatioAtLeast, 25,
            ErrorNote(oursList, lxdList)));

        string listTitle = $"lxc list wall time, {options.Containers} containers";
        if (ExternalProgram.FindOnPath("lxc") is string lxc)
        {
            double oursLxcList = await ContainerBench.LxcListAsync(lxc, ours, options.Rounds, cancellationToken);
            double? lxdLxcList = lxd is null ? null : await ContainerBench.LxcListAsync(lxc, lxd, options.Rounds, cancellationToken);
            Add(new Figure("lxc_list", listTitle, "ms", oursLxcList, lxdLxcList, TargetKind.RatioAtMost, 0.3));
        }
        else
        {
            Add(Figure.NotMeasured("lxc_list", listTitle, "ms", TargetKind.RatioAtMost, 0.3, "the lxc client (Debian's lxd-client) is not installed"));
        }

        foreach (SuiteTarget target in lxd is null ? [ours] : new[] { ours, lxd })
        {
            await ContainerBench.DepopulateAsync(target, options.Containers);
        }
    }

    private async Task<bool> MeasureLoadAsync(SuiteTarget ours, ThrowawayDaemon? daemon, CancellationToken cancellationToken)
    {
        Section($"mixed API load: {options.LoadClients} clients x {options.LoadDuration.TotalSeconds:0} s (list, show, config set, start/stop)");
        for (int client = 1; client <= options.LoadClients; client++)
        {
            string name = MixedLoad.ContainerName(client);
            _cleanups.Add(() => ContainerBench.RemoveAsync(ours, name, CancellationToken.None));
            await ContainerBench.CreateAsync(ours, name, cancellationToken);
        }

        int root = daemon?.SupervisorPid ?? DaemonRoot(SocketPeer.ProcessId(ours.SocketPath));
        // A short warm-up first, so JIT and first-use caches are in the baseline and growth means retention.
        await MixedLoad.RunAsync(ours.SocketPath, options.LoadClients, TimeSpan.FromSeconds(1), cancellationToken);
        await Task.Delay(options.IdleSettle, cancellationToken);
        ProcessMemory.Footprint before = ProcessMemory.OfTree(root);
        MixedLoad.Outcome outcome = await MixedLoad.RunAsync(ours.SocketPath, options.LoadClients, options.LoadDuration, cancellationToken);
        await Task.Delay(options.IdleSettle, cancellationToken);
        ProcessMemory.Footprint after = ProcessMemory.OfTree(root);
        foreach (string error in outcome.FirstErrors)
        {
            // The daemon's errors can carry a whole runtime log; the start of it says what failed.
            Note($"load error: {(error.Length > 300 ? error[..300] + " ..." : error)}");
        }

        Add(new Figure("load_requests", "mixed load: requests", "req", outcome.Requests, null, TargetKind.None, 0,
            string.Create(CultureInfo.InvariantCulture, $"{outcome.Requests / options.LoadDuration.TotalSeconds:0} req/s")));
        Add(new Figure("load_errors", "mixed load: errors", "err", outcome.Errors, null, TargetKind.AtMost, 0));
        Add(new Figure("load_rss_growth", "mixed load: RSS growth", "%", Growth(before.RssMegabytes, after.RssMegabytes), null, TargetKind.AtMost, 10,
            string.Create(CultureInfo.InvariantCulture, $"{before.RssMegabytes:0.#} -> {after.RssMegabytes:0.#} MB")));
        Add(new Figure("load_pss_growth", "mixed load: PSS growth", "%", Growth(before.PssMegabytes, after.PssMegabytes), null, TargetKind.AtMost, 10,
            string.Create(CultureInfo.InvariantCulture, $"{before.PssMegabytes:0.#} -> {after.PssMegabytes:0.#} MB")));
        return outcome.Errors == 0;
    }

    private static double Growth(double before, double after) => before > 0 ? (after - before) / before * 100 : double.NaN;

    private static string? ErrorNote(BenchResult ours, BenchResult? lxd)
    {
        int errors = ours.Errors + (lxd?.Errors ?? 0);
        return errors == 0 ? null : string.Create(CultureInfo.InvariantCulture, $"{ours.Errors} non-200 from ours, {lxd?.Errors ?? 0} from LXD");
    }

    private void Section(string title)
    {
        output.WriteLine($"== {title}");
        output.Flush();
    }

    private void Add(Figure figure)
    {
        _figures.Add(figure);
        output.WriteLine($"  {SuiteReport.FormatLine(figure)}");
        output.Flush();
    }

    private void Note(string note)
    {
        _notes.Add(note);
        output.WriteLine($"  {note}");
        output.Flush();
    }

    private void PrintTable()
    {
        output.WriteLine();
        output.WriteLine(SuiteReport.Header);
        foreach (Figure figure in _figures)
        {
            output.WriteLine(SuiteReport.FormatLine(figure));
        }

        int met = _figures.Count(figure => figure.Met == true), judged = _figures.Count(figure => figure.Met is not null);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"targets met: {met} of {judged} judged ({_figures.Count} figures)"));
        foreach (string note in _notes)
        {
            output.WriteLine($"note: {note}");
        }

        output.Flush();
    }
}
