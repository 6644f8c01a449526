namespace Incus.Api;

/// <summary>How PATCH applies to a config map everywhere in the API: set keys overwrite, empty values remove.</summary>
public static class ConfigPatch
{
    public static Dictionary<string, string> Apply(IReadOnlyDictionary<string, string> current, IReadOnlyDictionary<string, string>? changes)
    {
        var merged = new Dictionary<string, string>(current, StringComparer.Ordinal);
        foreach (var (key, value) in changes ?? new Dictionary<string, string>())
        {
            if (value.Length == 0)
            {
                merged.Remove(key);
            }
            else
            {
                merged[key] = value;
            }
        }
        return merged;
    }
}
