using System.Globalization;

namespace Incus.Daemon.Plugins;

/// <summary>A MAJOR.MINOR.PATCH version (pre-release tags are not used by the SDK).</summary>
public readonly record struct SemanticVersion(int Major, int Minor, int Patch) : IComparable<SemanticVersion>
{
    public static SemanticVersion Parse(string text)
    {
        string[] parts = text.Trim().Split('.');
        if (parts.Length is < 1 or > 3 || parts.Any(p => !int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
        {
            throw new FormatException($"\"{text}\" is not a version (MAJOR.MINOR.PATCH)");
        }
        int Part(int index) => index < parts.Length ? int.Parse(parts[index], CultureInfo.InvariantCulture) : 0;
        return new SemanticVersion(Part(0), Part(1), Part(2));
    }

    public int CompareTo(SemanticVersion other) =>
        Major != other.Major ? Major.CompareTo(other.Major)
        : Minor != other.Minor ? Minor.CompareTo(other.Minor)
        : Patch.CompareTo(other.Patch);

    public static bool operator <(SemanticVersion a, SemanticVersion b) => a.CompareTo(b) < 0;
    public static bool operator >(SemanticVersion a, SemanticVersion b) => a.CompareTo(b) > 0;
    public static bool operator <=(SemanticVersion a, SemanticVersion b) => a.CompareTo(b) <= 0;
    public static bool operator >=(SemanticVersion a, SemanticVersion b) => a.CompareTo(b) >= 0;

    public override string ToString() => $"{Major}.{Minor}.{Patch}";
}
