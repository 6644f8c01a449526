using Incus.Platform;
namespace Incus.Daemon.Instances;

/// <summary>
/// The host ids an instance's root maps to: container ids 0..Size-1 become host ids Range.Start..
/// A privileged instance has no map (Range is null): its root is the host's root.
/// </summary>
public sealed record IdmapAllocation(IdRange? Range, bool Isolated)
{
    public static readonly IdmapAllocation Privileged = new(null, false);

    /// <summary>The /proc/&lt;pid&gt;/uid_map line this allocation produces.</summary>
    public string UidMapLine => Range is { } range ? $"0 {range.Start} {range.Size}" : "0 0 4294967295";

    /// <summary>
    /// The host range recorded in a volatile.idmap.* value (the uid entry; the gid entry is the same),
    /// or null for "[]": a privileged instance, which has no map.
    /// </summary>
    public static IdRange? RangeFromVolatileJson(string json)
    {
        using var document = System.Text.Json.JsonDocument.Parse(json);
        foreach (var entry in document.RootElement.EnumerateArray())
        {
            if (entry.GetProperty("Isuid").GetBoolean())
            {
                return new IdRange(entry.GetProperty("Hostid").GetInt64(), entry.GetProperty("Maprange").GetInt64());
            }
        }
        return null;
    }

    /// <summary>volatile.idmap.current and .next, in the shape Incus stores them.</summary>
    public string ToVolatileJson() => Range is not { } range
        ? "[]"
        : System.Text.Json.JsonSerializer.Serialize(new[]
        {
            new { Isuid = true, Isgid = false, Hostid = range.Start, Nsid = 0L, Maprange = range.Size },
            new { Isuid = false, Isgid = true, Hostid = range.Start, Nsid = 0L, Maprange = range.Size },
        });
}
