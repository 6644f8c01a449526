namespace Incus.Sdk.Drivers;

/// <summary>A NIC device type (<c>type=nic</c>, selected by <c>nictype</c> or by its network's type).</summary>
public partial interface INicDeviceDriver : IDriver
{
    /// <summary>The network type whose networks this NIC attaches to with <c>network=</c>, or null.</summary>
    string? NetworkType { get; }

    /// <summary>Checks a device's config; returns the error message for the first invalid key, or null.</summary>
    string? ValidateConfig(IReadOnlyDictionary<string, string> config);

    /// <summary>Creates the host side of the NIC; returns the link the runtime moves into the container.</summary>
    Task<NicAttachment> StartAsync(NicContext nic, CancellationToken cancellationToken);

    /// <summary>Removes the host side; a no-op when it is already gone.</summary>
    Task StopAsync(NicContext nic, CancellationToken cancellationToken);

    /// <summary>
    /// Checks a device's config against its network's config (for example whether an address can be
    /// allocated for a filter); returns the error message, or null.
    /// </summary>
    string? ValidateConfig(IReadOnlyDictionary<string, string> config, IReadOnlyDictionary<string, string> networkConfig) => ValidateConfig(config);

    /// <summary>
    /// Applies a config change to a running NIC in place, atomically where it concerns filters.
    /// Returns null when the change needs the NIC to be re-created instead.
    /// </summary>
    Task<NicReservations?> UpdateAsync(NicContext before, NicContext after, CancellationToken cancellationToken) => Task.FromResult<NicReservations?>(null);

    /// <summary>
    /// Rebuilds what a running NIC needs beyond its link (filters) from its config, for reconciliation
    /// at start and after drift. Must be idempotent.
    /// </summary>
    Task<NicReservations> ReconcileAsync(NicContext nic, CancellationToken cancellationToken) => Task.FromResult(nic.Reservations);

    /// <summary>Whether a running NIC with this config has a host filter that drift checks should look for.</summary>
    bool HasHostFilter(IReadOnlyDictionary<string, string> config) => false;
}
