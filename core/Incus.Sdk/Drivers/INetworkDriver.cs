namespace Incus.Sdk.Drivers;

/// <summary>
/// A managed network type. The driver validates config and computes the kernel state it wants;
/// it applies that state only through the helper clients it is given.
/// </summary>
public interface INetworkDriver : IDriver
{
    /// <summary>Checks a network's config; returns the error message for the first invalid key, or null.</summary>
    string? ValidateConfig(IReadOnlyDictionary<string, string> config);

    /// <summary>
    /// The config to store for a new or changed network: defaults filled in and <c>auto</c> values
    /// resolved to concrete ones that do not collide with <paramref name="usedSubnets"/>.
    /// </summary>
    Dictionary<string, string> FillConfig(string name, IReadOnlyDictionary<string, string> config, IReadOnlyList<string> usedSubnets);

    /// <summary>
    /// Makes the kernel match the network's config: creates what is missing and corrects what
    /// differs. Used for create, update and reconciliation at start, so it must be idempotent.
    /// </summary>
    Task ApplyAsync(NetworkContext network, CancellationToken cancellationToken);

    /// <summary>Updates only the static DHCP/DNS host entries of a running network.</summary>
    Task SetHostsAsync(NetworkContext network, CancellationToken cancellationToken);

    /// <summary>Removes everything the network created in the kernel.</summary>
    Task DeleteAsync(NetworkContext network, CancellationToken cancellationToken);

    /// <summary>The network's current leases.</summary>
    Task<IReadOnlyList<NetworkLeaseInfo>> ListLeasesAsync(NetworkContext network, CancellationToken cancellationToken);
}
