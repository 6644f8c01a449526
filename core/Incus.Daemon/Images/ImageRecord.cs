namespace Incus.Daemon.Images;

/// <summary>An image as the database holds it.</summary>
public sealed record ImageRecord(
    long Id,
    string Fingerprint,
    string Filename,
    long Size,
    bool Public,
    string Architecture,
    DateTimeOffset CreatedAt,
    DateTimeOffset UploadedAt,
    IReadOnlyDictionary<string, string> Properties);
