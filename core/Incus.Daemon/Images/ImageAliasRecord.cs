namespace Incus.Daemon.Images;

/// <summary>An image alias as the database holds it.</summary>
public sealed record ImageAliasRecord(string Name, string Description, string Fingerprint);
