using System.Globalization;

namespace Incus.Daemon.Instances;

/// <summary>
/// The instance config keys this daemon implements, for instances and profiles alike, and the values
/// each accepts. Any other key is refused with its name, so nothing is stored that would do nothing.
/// </summary>
public static class InstanceConfigKeys
{
    private static readonly Dictionary<string, Func<string, bool>> Keys = new(StringComparer.Ordinal)
    {
        ["security.privileged"] = IsBool,
        ["security.idmap.isolated"] = IsBool,
        ["security.idmap.size"] = value => long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out long size) && size is >= 1 and <= uint.MaxValue,
        ["security.idmap.base"] = value => long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out long start) && start is >= 1 and <= uint.MaxValue,
    };

    /// <summary>Volatile keys are the daemon's record of an instance's state, never the user's to set.</summary>
    public static bool IsVolatile(string key) => key.StartsWith("volatile.", StringComparison.Ordinal);

    /// <summary>Null when <paramref name="key"/>=<paramref name="value"/> is acceptable; otherwise the error.</summary>
    public static string? Validate(string key, string value, bool inProfile)
    {
        if (value.Any(c => char.IsControl(c) && c is not '\n' and not '\t'))
        {
            return $"Invalid value for config key \"{key}\": control characters are not allowed";
        }
        if (key.StartsWith("user.", StringComparison.Ordinal) || key.StartsWith("environment.", StringComparison.Ordinal))
        {
            return key.IndexOf('.') == key.Length - 1 ? $"Invalid config key \"{key}\": empty name" : null;
        }
        if (key.StartsWith("volatile.", StringComparison.Ordinal))
        {
            return inProfile ? $"Invalid config key \"{key}\": volatile keys are not allowed in profiles" : null;
        }
        if (!Keys.TryGetValue(key, out var check))
        {
            return $"Invalid config key \"{key}\": unknown key";
        }
        return check(value) ? null : $"Invalid value for config key \"{key}\": \"{value}\"";
    }

    /// <summary>Checks every key, then the combinations that cannot work together.</summary>
    public static string? ValidateAll(IReadOnlyDictionary<string, string> config, bool inProfile)
    {
        foreach (var (key, value) in config.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (Validate(key, value, inProfile) is { } error)
            {
                return error;
            }
        }
        if (config.GetValueOrDefault("security.privileged") == "true" && config.GetValueOrDefault("security.idmap.isolated") == "true")
        {
            return "security.privileged and security.idmap.isolated cannot both be true: a privileged container has no id map";
        }
        return null;
    }

    private static bool IsBool(string value) => value is "true" or "false";
}
