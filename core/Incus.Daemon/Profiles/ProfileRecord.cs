namespace Incus.Daemon.Profiles;

/// <summary>A profile as the database holds it.</summary>
public sealed record ProfileRecord(
    string Name,
    string Description,
    IReadOnlyDictionary<string, string> Config,
    IReadOnlyDictionary<string, Dictionary<string, string>> Devices);
