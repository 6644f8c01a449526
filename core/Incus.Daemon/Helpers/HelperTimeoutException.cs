namespace Incus.Daemon.Helpers;

/// <summary>
/// A root helper did not answer a call within its time limit. The call was cancelled; work the helper
/// had already begun may still finish. The API answers 503.
/// </summary>
public sealed class HelperTimeoutException(string message) : Exception(message);
