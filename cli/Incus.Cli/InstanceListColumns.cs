using System.Text.Json;

namespace Incus.Cli;

/// <summary>
/// The columns of <c>incus list -c</c>, one letter each as in Incus (<c>ns46tS</c> by default), so
/// scripts written for <c>incus list -c ns --format csv</c> work unchanged.
/// </summary>
public static class InstanceListColumns
{
    public const string Default = "ns46tS";

    private static readonly Dictionary<char, string> Headers = new()
    {
        ['n'] = "NAME", ['s'] = "STATE", ['4'] = "IPV4", ['6'] = "IPV6", ['t'] = "TYPE", ['S'] = "SNAPSHOTS",
        ['p'] = "PID", ['P'] = "PROFILES", ['c'] = "CREATED AT",
    };

    /// <summary>The letters of <paramref name="shorthand"/>; throws <see cref="CliException"/> on one this CLI does not know.</summary>
    public static IReadOnlyList<char> Parse(string shorthand)
    {
        if (shorthand.Length == 0)
        {
            throw new CliException("Empty column list");
        }
        int unknown = shorthand.AsSpan().IndexOfAnyExcept(string.Concat(Headers.Keys));
        if (unknown >= 0)
        {
            throw new CliException($"Unknown column shorthand char '{shorthand[unknown]}' in '{shorthand}' (known: {string.Concat(Headers.Keys)})");
        }
        return shorthand.ToList();
    }

    public static string Header(char column) => Headers[column];

    /// <summary>The cell of <paramref name="column"/> for one instance of a <c>recursion=2</c> listing.</summary>
    public static string Cell(char column, JsonElement instance, Func<JsonElement, string, string> addresses) => column switch
    {
        'n' => instance.GetProperty("name").GetString()!,
        's' => instance.GetProperty("status").GetString()!.ToUpperInvariant(),
        '4' => addresses(instance, "inet"),
        '6' => addresses(instance, "inet6"),
        't' => instance.GetProperty("type").GetString()!.ToUpperInvariant(),
        'S' => "0",
        'p' => instance.TryGetProperty("state", out var state) && state.ValueKind == JsonValueKind.Object
            && state.TryGetProperty("pid", out var pid) && pid.GetInt64() > 0 ? pid.GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture) : "",
        'P' => string.Join('\n', instance.GetProperty("profiles").EnumerateArray().Select(p => p.GetString())),
        'c' => instance.TryGetProperty("created_at", out var created) && created.GetString() is { } text
            && DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var at)
            ? at.UtcDateTime.ToString("yyyy/MM/dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture) : "",
        _ => throw new CliException($"Unknown column shorthand char '{column}'"),
    };
}
