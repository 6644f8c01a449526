namespace Incus.Daemon.Server;

/// <summary>
/// The server config keys this daemon implements. A key is listed here only once something acts
/// on it; any other key is refused, so a user never sets a key that silently does nothing.
/// </summary>
public static class ServerConfigKeys
{
    /// <summary>Null when the key and value are acceptable; otherwise the error message.</summary>
    public static string? Validate(string key, string value)
    {
        if (key.StartsWith("user.", StringComparison.Ordinal) && key.Length > "user.".Length)
        {
            // Free-form user metadata, as in Incus.
            return value.Any(c => char.IsControl(c) && c is not '\n' and not '\t')
                ? $"Invalid value for config key \"{key}\": control characters are not allowed"
                : null;
        }
        return $"Invalid config key \"{key}\": unknown key";
    }
}
