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

    /// <summary>volatile.idmap.current, in the shape Incus stores it.</summary>
    public string ToVolatileJson() => Range is not { } range
        ? "[]"
        : System.Text.Json.JsonSerializer.Serialize(new[]
        {
            new { Isuid = true, Isgid = false, Hostid = range.Start, Nsid = 0L, Maprange = range.Size },
            new { Isuid = false, Isgid = true, Hostid = range.Start, Nsid = 0L, Maprange = range.Size },
        });
}
