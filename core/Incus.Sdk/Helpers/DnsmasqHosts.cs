namespace Incus.Sdk.Helpers;

/// <summary>The complete set of static host entries of one bridge.</summary>
public sealed record DnsmasqHosts
{
    /// <summary>The owned bridge.</summary>
    public required string Bridge { get; init; }

    /// <summary>Entries; at most 4096.</summary>
    public required IReadOnlyList<DnsmasqHostEntry> Entries { get; init; }
}
