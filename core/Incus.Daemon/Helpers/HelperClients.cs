using Incus.Platform;
using Incus.Sdk.Helpers;
using Serilog;

namespace Incus.Daemon.Helpers;

/// <summary>The core's connections to every root helper.</summary>
public sealed class HelperClients(DaemonLayout layout, ILogger log) : IAsyncDisposable
{
    public HelperConnection<IHostHelper> Host { get; } = new("host", layout.HelperSocket("host"), log);
    public HelperConnection<INetHelper> Net { get; } = new("net", layout.HelperSocket("net"), log);
    public HelperConnection<IStorageHelper> Instance { get; } = new("instance", layout.HelperSocket("instance"), log);
    public HelperConnection<IContainerHelper> Lxc { get; } = new("lxc", layout.HelperSocket("lxc"), log);

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync().ConfigureAwait(false);
        await Net.DisposeAsync().ConfigureAwait(false);
        await Instance.DisposeAsync().ConfigureAwait(false);
        await Lxc.DisposeAsync().ConfigureAwait(false);
    }
}
