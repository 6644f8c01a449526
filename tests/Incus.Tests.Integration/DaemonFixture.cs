namespace Incus.Tests.Integration;

/// <summary>One daemon shared by the tests of the "daemon" collection, which run one at a time.</summary>
public sealed class DaemonFixture : IAsyncLifetime
{
    private RunningDaemon? _daemon;

    public RunningDaemon Daemon => _daemon ?? throw new InvalidOperationException("daemon not started");

    public async Task InitializeAsync()
    {
        await TestUsers.EnsureAsync();
        _daemon = await RunningDaemon.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_daemon is not null)
        {
            await _daemon.DisposeAsync();
        }
    }
}
