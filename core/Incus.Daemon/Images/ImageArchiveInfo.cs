namespace Incus.Daemon.Images;

/// <summary>What an image's metadata.yaml says.</summary>
public sealed record ImageArchiveInfo(string Architecture, DateTimeOffset CreatedAt, IReadOnlyDictionary<string, string> Properties);
