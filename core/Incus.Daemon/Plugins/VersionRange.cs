namespace Incus.Daemon.Plugins;

/// <summary>
/// A space-separated list of comparisons that must all hold, such as "&gt;=1.0.0 &lt;2.0.0".
/// A bare version means exactly that version.
/// </summary>
public sealed class VersionRange
{
    private readonly List<(string Operator, SemanticVersion Version)> _bounds;

    private VersionRange(string text, List<(string, SemanticVersion)> bounds)
    {
        Text = text;
        _bounds = bounds;
    }

    public string Text { get; }

    public static VersionRange Parse(string text)
    {
        var bounds = new List<(string, SemanticVersion)>();
        foreach (string token in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            string op = token.StartsWith(">=", StringComparison.Ordinal) ? ">="
                : token.StartsWith("<=", StringComparison.Ordinal) ? "<="
                : token.StartsWith('>') ? ">"
                : token.StartsWith('<') ? "<"
                : token.StartsWith('=') ? "=" : "";
            bounds.Add((op.Length == 0 ? "=" : op, SemanticVersion.Parse(token[op.Length..])));
        }
        if (bounds.Count == 0)
        {
            throw new FormatException("an empty version range");
        }
        return new VersionRange(text, bounds);
    }

    public bool Contains(SemanticVersion version) => _bounds.All(bound => bound.Operator switch
    {
        ">=" => version >= bound.Version,
        "<=" => version <= bound.Version,
        ">" => version > bound.Version,
        "<" => version < bound.Version,
        _ => version == bound.Version,
    });

    public override string ToString() => Text;
}
