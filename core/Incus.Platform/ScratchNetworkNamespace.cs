using System.Diagnostics;

namespace Incus.Platform;

/// <summary>
/// A named network namespace (<c>ip netns add</c>) made for one run and deleted with it, so that
/// bridges, veths and firewall rules made inside never touch the host's own namespace. Deleting the
/// namespace takes every link and rule in it along.
/// </summary>
public sealed class ScratchNetworkNamespace : IAsyncDisposable
{
    private const string Ip = "/bin/ip";
    private bool _deleted;

    private ScratchNetworkNamespace(string name) => Name = name;

    /// <summary>The namespace's name under <c>/run/netns</c>.</summary>
    public string Name { get; }

    /// <summary>The command prefix that runs a program inside the namespace.</summary>
    public IReadOnlyList<string> Enter => [Ip, "netns", "exec", Name];

    /// <summary>Creates a namespace named <paramref name="prefix"/> plus a random suffix, with its loopback up.</summary>
    public static async Task<ScratchNetworkNamespace> CreateAsync(string prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        var scratch = new ScratchNetworkNamespace(prefix + Guid.NewGuid().ToString("N")[..12]);
        await RunAsync(Ip, ["netns", "add", scratch.Name]).ConfigureAwait(false);
        try
        {
            await scratch.IpAsync("link", "set", "lo", "up").ConfigureAwait(false);
        }
        catch
        {
            await scratch.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return scratch;
    }

    /// <summary>Runs <c>ip</c> with <paramref name="arguments"/> inside the namespace; throws with ip's message when it fails.</summary>
    public Task IpAsync(params string[] arguments) => RunAsync(Ip, ["-n", Name, .. arguments]);

    /// <summary>Runs a program with fixed arguments and throws with its stderr when it fails.</summary>
    public static Task RunAsync(string program, IReadOnlyList<string> arguments) => ProgramOutput.ReadAsync(program, arguments);

    public async ValueTask DisposeAsync()
    {
        if (_deleted)
        {
            return;
        }
        _deleted = true;
        await RunAsync(Ip, ["netns", "delete", Name]).ConfigureAwait(false);
    }
}
