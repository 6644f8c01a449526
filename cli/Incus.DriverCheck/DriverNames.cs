using System.Text.RegularExpressions;

namespace Incus.DriverCheck;

/// <summary>The name and version every driver must have: an API name and something to show in <c>GET /1.0</c>.</summary>
public static partial class DriverNames
{
    [GeneratedRegex("^[a-z][a-z0-9-]{0,31}$")]
    private static partial Regex Name();

    public static Task<string> Check(string name, string version) =>
        name is not null && Name().IsMatch(name) && !string.IsNullOrWhiteSpace(version)
            ? Task.FromResult($"{name} {version}")
            : throw new CheckFailedException($"name \"{name}\" must be 1-32 of a-z 0-9 - starting with a letter, and the version must not be empty (got \"{version}\")");
}
