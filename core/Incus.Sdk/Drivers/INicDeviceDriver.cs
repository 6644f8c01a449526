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
}
