namespace Incus.Daemon.Helpers;

/// <summary>
/// A root helper refused or failed a request; the message is the helper's. <see cref="Refused"/> is
/// true when the helper's own checks turned the request down (the API answers 400), false when the
/// action itself failed (500).
/// </summary>
public sealed class HelperFailedException(string message, bool refused, Exception? inner = null) : Exception(message, inner)
{
    public bool Refused { get; } = refused;
}
