namespace Incus.Daemon.Instances;

/// <summary>
/// Device checks for instances and profiles. Only the device types this daemon implements are
/// accepted; others are refused with a message that says so.
/// </summary>
public static class DeviceRules
{
    private static readonly HashSet<string> RootDiskKeys = ["type", "path", "pool"];

    /// <summary>Null when the devices are acceptable; otherwise the error for the first bad one.</summary>
    public static string? ValidateAll(IReadOnlyDictionary<string, Dictionary<string, string>> devices, Func<string, bool> poolExists,
        Func<IReadOnlyDictionary<string, string>, string?> nicError)
    {
        int roots = 0;
        foreach (var (name, device) in devices.OrderBy(d => d.Key, StringComparer.Ordinal))
        {
            if (name.Length is 0 or > 64 || name.Any(c => char.IsControl(c) || c == '/'))
            {
                return $"Invalid device name \"{name}\"";
            }
            if (!device.TryGetValue("type", out string? type) || type.Length == 0)
            {
                return $"Device \"{name}\": missing type";
            }
            switch (type)
            {
                case "disk":
                    if (device.GetValueOrDefault("path") != "/")
                    {
                        return $"Device \"{name}\": only the root disk (path=/) is supported so far";
                    }
                    if (device.Keys.FirstOrDefault(k => !RootDiskKeys.Contains(k)) is { } unknown)
                    {
                        return $"Device \"{name}\": invalid key \"{unknown}\" for a root disk";
                    }
                    if (!device.TryGetValue("pool", out string? pool) || pool.Length == 0)
                    {
                        return $"Device \"{name}\": a root disk needs a pool";
                    }
                    if (!poolExists(pool))
                    {
                        return $"Device \"{name}\": storage pool \"{pool}\" doesn't exist";
                    }
                    roots++;
                    break;
                case "nic":
                    if (nicError(device) is { } problem)
                    {
                        return $"Device \"{name}\": {problem}";
                    }
                    break;
                default:
                    return $"Device \"{name}\": unknown device type \"{type}\"";
            }
        }
        return roots > 1 ? "More than one root disk device" : null;
    }
}
