namespace Incus.Daemon.Instances;

/// <summary>An instance as the database holds it.</summary>
public sealed record InstanceRecord(
    string Name,
    string Architecture,
    string Description,
    IReadOnlyDictionary<string, string> Config,
    IReadOnlyDictionary<string, Dictionary<string, string>> Devices,
    IReadOnlyList<string> Profiles,
    bool Ephemeral,
    DateTimeOffset CreatedAt);
