namespace Incus.Daemon.Helpers;

/// <summary>A root helper could not be reached or died during a call. The API answers 503.</summary>
public sealed class HelperUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
