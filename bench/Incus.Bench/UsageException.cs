namespace Incus.Bench;

/// <summary>The command line is wrong; reported together with the usage text and exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);
