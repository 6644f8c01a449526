namespace Incus.Daemon.Storage;

/// <summary>A storage pool as the database holds it.</summary>
public sealed record StoragePoolRecord(string Name, string Driver, string Description, IReadOnlyDictionary<string, string> Config);
