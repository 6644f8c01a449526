using Incus.Daemon.Events;
using Incus.Daemon.Exec;
using Incus.Daemon.Helpers;
using Incus.Daemon.Images;
using Incus.Daemon.Instances;
using Incus.Daemon.Networks;
using Incus.Daemon.Operations;
using Incus.Daemon.Profiles;
using Incus.Daemon.Remote;
using Incus.Daemon.Server;
using Incus.Daemon.Storage;

namespace Incus.Daemon;

/// <summary>
/// The core's services, built once. Both listeners (the Unix socket and TLS) serve the same routes
/// over these same objects; only how a request is authenticated differs.
/// </summary>
public sealed record CoreServices(
    ServerState Server,
    OperationManager Operations,
    EventHub Events,
    HelperClients Helpers,
    StoragePoolService StoragePools,
    ImageService Images,
    ProfileService Profiles,
    NetworkService Networks,
    InstanceService Instances,
    FirewallReconciler Firewall,
    ExecService Exec,
    TrustStore Trust,
    TrustTokens Tokens,
    HttpsEndpoint Https,
    Api.StartupGate Startup);
