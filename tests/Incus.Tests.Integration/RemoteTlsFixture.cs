namespace Incus.Tests.Integration;

/// <summary>
/// A daemon of its own for the remote API tests, whose trust store and listener they change, with
/// loopback up in its namespace so the TLS listener can use 127.0.0.1.
/// </summary>
public sealed class RemoteTlsFixture : IAsyncLifetime
{
    private RunningDaemon? _daemon;

    public RunningDaemon Daemon => _daemon ?? throw new InvalidOperationException("daemon not started");
    public string WorkDirectory { get; } = Directory.CreateTempSubdirectory("incus-it-tls-").FullName;
    public NamespaceTls Tls => new(Daemon, WorkDirectory);

    public async Task InitializeAsync()
    {
        _daemon = await RunningDaemon.StartAsync();
        (await Command.RunAsync("/bin/ip", "netns", "exec", _daemon.Namespace, "/bin/ip", "link", "set", "lo", "up")).EnsureSuccess("ip link set lo up");
    }

    public async Task DisposeAsync()
    {
        if (_daemon is not null)
        {
            await _daemon.DisposeAsync();
        }
        Directory.Delete(WorkDirectory, recursive: true);
    }
}
