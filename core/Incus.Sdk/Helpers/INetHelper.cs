namespace Incus.Sdk.Helpers;

/// <summary>
/// The net helper: links, addresses and sysctls. Runs as root with only CAP_NET_ADMIN. It changes
/// only interfaces it created itself (it records them), and each sysctl must be on its allowlist.
/// </summary>
public interface INetHelper
{
    /// <summary>Creates a bridge and records it as owned by this daemon.</summary>
    Task CreateBridgeAsync(BridgeSpec spec, CancellationToken cancellationToken = default);

    /// <summary>Deletes a link that this daemon created.</summary>
    Task DeleteLinkAsync(LinkName link, CancellationToken cancellationToken = default);

    /// <summary>Sets an owned link up or down.</summary>
    Task SetLinkStateAsync(LinkState state, CancellationToken cancellationToken = default);

    /// <summary>Replaces the addresses of an owned link with the given set.</summary>
    Task SetLinkAddressesAsync(LinkAddresses addresses, CancellationToken cancellationToken = default);

    /// <summary>Writes one allowlisted per-interface sysctl on an owned link.</summary>
    Task SetInterfaceSysctlAsync(InterfaceSysctl sysctl, CancellationToken cancellationToken = default);

    /// <summary>Lists the links this daemon owns.</summary>
    Task<IReadOnlyList<string>> ListOwnedLinksAsync(CancellationToken cancellationToken = default);
}
