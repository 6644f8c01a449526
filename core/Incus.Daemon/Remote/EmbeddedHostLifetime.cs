using Microsoft.Extensions.Hosting;

namespace Incus.Daemon.Remote;

/// <summary>
/// The TLS listener's host lives inside the core's process: it must not take over SIGTERM or Ctrl+C,
/// which belong to the main host. It starts and stops only when the config says so.
/// </summary>
public sealed class EmbeddedHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
