namespace Incus.Daemon.Images;

/// <summary>An uploaded image that is corrupt or unsafe; the message says which entry and why.</summary>
public sealed class ImageRejectedException(string message) : Exception(message);
