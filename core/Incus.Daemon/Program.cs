using Incus.Daemon;
using Incus.Daemon.Api;
using Incus.Daemon.Database;
using Incus.Daemon.Events;
using Incus.Daemon.Helpers;
using Incus.Daemon.Images;
using Incus.Daemon.Instances;
using Incus.Daemon.Networks;
using Incus.Daemon.Operations;
using Incus.Daemon.Plugins;
using Incus.Daemon.Profiles;
using Incus.Daemon.Remote;
using Incus.Daemon.Server;
using Incus.Daemon.Storage;
using Incus.Platform;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serilog;
using Serilog.Events;

CoreOptions options;
try
{
    options = CoreOptions.Parse(args);
}
catch (Exception ex) when (ex is ArgumentException or FormatException)
{
    Console.Error.WriteLine($"incus-core: {ex.Message}");
    return 2;
}

var events = new EventHub();
Log.Logger = new LoggerConfiguration()
    .MinimumLevel.Is(options.Debug ? LogEventLevel.Debug : options.Verbose ? LogEventLevel.Information : LogEventLevel.Warning)
    .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
    .WriteTo.Console(outputTemplate: "{Level:u3} {Message:lj}{NewLine}{Exception}", standardErrorFromLevel: LogEventLevel.Verbose)
    .WriteTo.Sink(new EventLogSink(events))
    .CreateLogger();

try
{
    var self = ProcessStatus.ReadSelf();
    if (self.EffectiveUid == 0 || self.Effective != CapabilitySet.Empty)
    {
        Log.Fatal("the core must run unprivileged (uid {Uid}, capabilities {Caps}); start it through incusd", self.EffectiveUid, self.Effective);
        return 1;
    }

    // Start-up is CPU-bound (JIT, type loading), so independent pieces run side by side: connecting to
    // the helpers that start-up calls (host and net), opening the database, loading the plugins and the
    // TLS identity, while this thread builds the services and the web host. Nothing reads the driver
    // registry or the identity before it is awaited below: requests wait at the startup gate.
    await using var helpers = new HelperClients(options.Layout, Log.Logger);
    var helpersConnected = Task.Run(() => Task.WhenAll(helpers.Host.WarmUpAsync(CancellationToken.None), helpers.Net.WarmUpAsync(CancellationToken.None)));
    var databaseOpened = Task.Run(() => new LocalDatabase(options.Layout.Database));
    var drivers = new DriverRegistry();
    var plugins = new PluginHost(options.PluginDirectory, drivers, Log.Logger);
    // Its own thread rather than the pool's: the pool starts with one thread per core, both taken by
    // the tasks above, and plugin loading is the longest piece on the way to the first answer.
    var pluginsLoaded = Task.Factory.StartNew(plugins.LoadAll, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    var identityLoaded = Task.Run(() => (Identity: ServerIdentity.TryLoad(options.Layout, out string? error), Error: error));
    using var database = await databaseOpened;
    var server = new ServerState(new ServerConfigStore(database), HostFacts.Read(), plugins, drivers);
    var operations = new OperationManager(events);
    var images = new ImageService(new ImageStore(database), options.Layout.ImageDirectory, operations, events, Log.Logger);
    var poolStore = new StoragePoolStore(database);
    var profileStore = new ProfileStore(database);
    var storageHelper = new StorageHelperClient(helpers.Instance);
    var netHelper = new NetHelperClient(helpers.Net);
    var firewall = new FirewallChoice();
    // Networks and instances refer to each other (used_by, host entries); the lambdas close the loop.
    InstanceService? instancesRef = null;
    ProfileService? profilesRef = null;
    var networks = new NetworkService(new NetworkStore(database), drivers, netHelper, firewall, events, Log.Logger,
        network => profilesRef!.UsingNetwork(network).Concat(instancesRef!.UsingNetwork(network)).ToList(),
        network => instancesRef!.HostsFor(network));
    var networking = new InstanceNetworking(networks, netHelper);
    var instances = new InstanceService(new InstanceStore(database), profileStore, poolStore, images, storageHelper, helpers.Lxc, operations, events,
        new IdmapAllocator(SubordinateIds.ForRoot()), networking, Log.Logger);
    var profiles = new ProfileService(profileStore, poolStore, events, instances.UsingProfile, networking.Validate);
    instancesRef = instances;
    profilesRef = profiles;
    var storagePools = new StoragePoolService(poolStore, drivers, storageHelper, events, Log.Logger,
        pool => profiles.UsingPool(pool).Concat(instances.UsingPool(pool)).ToList());
    var filterWatch = new NicFilterWatch(instances, networking, netHelper, events, Log.Logger);
    var exec = new Incus.Daemon.Exec.ExecService(helpers.Lxc, operations, options.Layout, Log.Logger);
    var trust = new TrustStore(database);
    await using var https = new HttpsEndpoint(Log.Logger);
    var startup = new StartupGate();
    var services = new CoreServices(server, operations, events, helpers, storagePools, images, profiles, networks, instances,
        new FirewallReconciler(networks, filterWatch, events, Log.Logger), exec,
        trust, new TrustTokens(operations), https, startup);

    server.ListenAddresses = https.Addresses;
    https.Changed = server.ListenerChanged;
    var tlsAuthenticator = new TlsClientAuthenticator(trust);
    ServerIdentity? identity = null;
    string? identityError = "the server certificate is not loaded yet";
    https.Factory = address => ApiApplication.Build(services, tlsAuthenticator, Log.Logger,
        kestrel => kestrel.Listen(address.EndPoint, listen => listen.UseHttps(TlsPolicy.For(identity
            ?? throw new InvalidOperationException(identityError)))),
        builder => builder.Services.AddSingleton<IHostLifetime, EmbeddedHostLifetime>());

    var app = ApiApplication.Build(services, new UnixPeerAuthenticator(), Log.Logger, kestrel =>
        kestrel.ListenHandle((ulong)options.ListenFd, listen => listen.Use(next => connection =>
        {
            // Decide access once per connection from the kernel's view of the peer.
            var socket = connection.Features.Get<IConnectionSocketFeature>()?.Socket;
            if (socket is not null)
            {
                connection.Items[PeerAccess.ItemKey] = PeerAccess.Decide(SocketPeer.Read(socket), options.SocketGroupId, options.SocketGroup);
            }
            return next(connection);
        })));

    // The listener starts while the helper-bound work below runs, so its own start-up costs no wall
    // time; requests wait at the startup gate until that work is done.
    var listening = app.StartAsync();
    (identity, identityError) = await identityLoaded;
    using var identityOwner = identity;
    if (identity is null)
    {
        Log.Error("the TLS listener is unavailable: {Reason}", identityError);
    }
    server.Identity = identity;
    await pluginsLoaded;
    // The first answer, GET /1.0, is serialised with metadata built by reflection on first use; building
    // it while the helpers work below takes that off the path to the first answer. Its content is thrown away.
    var firstAnswerPrepared = Task.Run(() => EnvelopeWriter.SerializeSync(server.Trusted("")));
    // Hardening goes through the host helper, the firewall probe through the net helper: independent.
    await Task.WhenAll(
        StartupHardening.ApplyAsync(helpers, server, Log.Logger),
        firewall.SelectAsync(drivers, netHelper, server.Config.GetValueOrDefault(ServerConfigKeys.FirewallDriver) ?? "auto", Log.Logger, CancellationToken.None));
    server.FirewallName = () => firewall.Driver?.Name ?? "";
    await networks.ReconcileAsync(instances.NicLinksInUse(), CancellationToken.None);
    await filterWatch.ReconcileAllAsync(CancellationToken.None);
    // Only now, with the chosen driver's rules in place, so a switch leaves no NIC unfiltered.
    await firewall.RemoveOthersAsync(drivers, netHelper, Log.Logger, CancellationToken.None);

    if (server.Config.GetValueOrDefault(ServerConfigKeys.HttpsAddress) is { Length: > 0 } httpsAddress)
    {
        try
        {
            await https.ApplyAsync(httpsAddress, CancellationToken.None);
        }
        catch (ApiException ex)
        {
            // The socket still serves, so the address can be corrected; Incus does the same.
            Log.Error("{Message}; the TLS listener stays off until core.https_address changes", ex.Message);
        }
    }
    await listening;
    await helpersConnected;

    // The supervisor holds our stdin; when it goes away, so do we.
    var lifetime = app.Services.GetRequiredService<IHostApplicationLifetime>();
    _ = Task.Run(() => filterWatch.RunAsync(lifetime.ApplicationStopping));
    _ = Task.Run(async () =>
    {
        while (await Console.In.ReadLineAsync() is not null)
        {
        }
        lifetime.StopApplication();
    });

    await firstAnswerPrepared;
    startup.Release();
    Log.Information("core ready: pid {Pid}, schema version {Schema}", Environment.ProcessId, database.SchemaVersion);
    // What start-up cost in compilation: code not precompiled (ReadyToRun) is compiled here, on few cores.
    Log.Debug("start-up compiled {Methods} methods in {Milliseconds:0} ms of JIT time",
        System.Runtime.JitInfo.GetCompiledMethodCount(), System.Runtime.JitInfo.GetCompilationTime().TotalMilliseconds);
    await app.WaitForShutdownAsync();
    return 0;
}
catch (Exception ex)
{
    Log.Fatal(ex, "core failed: {Message}", ex.Message);
    return 1;
}
finally
{
    await Log.CloseAndFlushAsync();
}
