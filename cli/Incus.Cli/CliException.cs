namespace Incus.Cli;

/// <summary>An error the CLI prints as "Error: …" and exits non-zero.</summary>
public class CliException(string message) : Exception(message);
