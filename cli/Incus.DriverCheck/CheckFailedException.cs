namespace Incus.DriverCheck;

/// <summary>A check saw the driver do the wrong thing; the message says what was seen.</summary>
public sealed class CheckFailedException(string message) : Exception(message);
