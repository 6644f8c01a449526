using Incus.Platform;

namespace Incus.Daemon.Instances;

/// <summary>What an instance's config asks of its id map.</summary>
public sealed record IdmapRequest(bool Privileged, bool Isolated, long? Size, long? Base)
{
    public const long DefaultSize = 65536;

    /// <summary>
    /// Whether <paramref name="range"/> (null: no map) is what this request would be given, so it can be
    /// kept rather than allocated again: no map when privileged; the start of root's range when shared;
    /// anywhere else when isolated (exactly the base, if one is asked for); and the requested size.
    /// </summary>
    public bool IsSatisfiedBy(IdRange? range, IdRange available)
    {
        if (Privileged || range is not { } given)
        {
            return Privileged && range is null;
        }
        if (given.Size != (Size ?? DefaultSize))
        {
            return false;
        }
        if (!Isolated)
        {
            return given.Start == available.Start;
        }
        return Base is long start ? given.Start == start : given.Start != available.Start;
    }

    public static IdmapRequest FromConfig(IReadOnlyDictionary<string, string> expandedConfig) => new(
        expandedConfig.GetValueOrDefault("security.privileged") == "true",
        expandedConfig.GetValueOrDefault("security.idmap.isolated") == "true",
        expandedConfig.TryGetValue("security.idmap.size", out string? size) ? long.Parse(size, System.Globalization.CultureInfo.InvariantCulture) : null,
        expandedConfig.TryGetValue("security.idmap.base", out string? start) ? long.Parse(start, System.Globalization.CultureInfo.InvariantCulture) : null);
}
