namespace Incus.Helpers;

/// <summary>A request the helper refuses. The message goes back to the caller and into the audit log.</summary>
public sealed class HelperRequestException(string message) : Exception(message);
