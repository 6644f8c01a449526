using System.Globalization;

namespace Incus.Bench.Suite;

/// <summary>
/// One row of issue 9's table: our value, LXD's (when measured) and the target. A null value means
/// "not measured" and <see cref="Note"/> says why.
/// </summary>
public sealed record Figure(string Id, string Title, string Unit, double? Ours, double? Lxd, TargetKind Kind, double Bound, string? Note = null)
{
    public double? Ratio => Ours is double ours && Lxd is double lxd && lxd > 0 ? ours / lxd : null;

    /// <summary>Null when it cannot be judged, such as a ratio target without an LXD figure.</summary>
    public bool? Met => Kind switch
    {
        TargetKind.RatioAtLeast => Ratio is double ratio ? ratio >= Bound : null,
        TargetKind.RatioAtMost => Ratio is double ratio ? ratio <= Bound : null,
        TargetKind.AtMost => Ours is double ours ? ours <= Bound : null,
        TargetKind.AtLeast => Ours is double ours ? ours >= Bound : null,
        _ => null,
    };

    public string TargetText => Kind switch
    {
        TargetKind.RatioAtLeast => string.Create(CultureInfo.InvariantCulture, $">={Bound:0.##}x"),
        TargetKind.RatioAtMost => string.Create(CultureInfo.InvariantCulture, $"<={Bound:0.##}x"),
        TargetKind.AtMost => string.Create(CultureInfo.InvariantCulture, $"<={Bound:0.##} {Unit}"),
        TargetKind.AtLeast => string.Create(CultureInfo.InvariantCulture, $">={Bound:0.##} {Unit}"),
        _ => "-",
    };

    public static Figure NotMeasured(string id, string title, string unit, TargetKind kind, double bound, string why) =>
        new(id, title, unit, null, null, kind, bound, why);
}
