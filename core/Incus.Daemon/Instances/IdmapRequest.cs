namespace Incus.Daemon.Instances;

/// <summary>What an instance's config asks of its id map.</summary>
public sealed record IdmapRequest(bool Privileged, bool Isolated, long? Size, long? Base)
{
    public const long DefaultSize = 65536;

    public static IdmapRequest FromConfig(IReadOnlyDictionary<string, string> expandedConfig) => new(
        expandedConfig.GetValueOrDefault("security.privileged") == "true",
        expandedConfig.GetValueOrDefault("security.idmap.isolated") == "true",
        expandedConfig.TryGetValue("security.idmap.size", out string? size) ? long.Parse(size, System.Globalization.CultureInfo.InvariantCulture) : null,
        expandedConfig.TryGetValue("security.idmap.base", out string? start) ? long.Parse(start, System.Globalization.CultureInfo.InvariantCulture) : null);
}
