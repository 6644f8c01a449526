namespace Incus.Daemon.Helpers;

/// <summary>A root helper refused or failed a request; the message is the helper's.</summary>
public sealed class HelperFailedException(string message, Exception? inner = null) : Exception(message, inner);
