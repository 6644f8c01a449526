using System.Text.Json.Serialization;

namespace Incus.Api;

/// <summary>
/// The answer of <c>POST /1.0/firewall/reconcile</c> (an extension of this daemon; Incus has no such
/// endpoint): what was rebuilt from the database.
/// </summary>
public sealed class FirewallReconcileResult
{
    /// <summary>The firewall driver that applied the rules.</summary>
    [JsonPropertyName("driver")] public string Driver { get; init; } = "";

    /// <summary>Managed networks in the database.</summary>
    [JsonPropertyName("networks")] public int Networks { get; init; }

    /// <summary>Managed networks whose kernel state, firewall rules included, was applied again.</summary>
    [JsonPropertyName("networks_applied")] public int NetworksApplied { get; init; }

    /// <summary>Running NICs with a filter.</summary>
    [JsonPropertyName("nic_filters")] public int NicFilters { get; init; }

    /// <summary>Filters installed again; fewer than <see cref="NicFilters"/> means some failed (see the daemon log).</summary>
    [JsonPropertyName("nic_filters_rebuilt")] public int NicFiltersRebuilt { get; init; }
}
