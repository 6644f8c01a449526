namespace Incus.Cli;

/// <summary>A remote address that did not answer; <c>remote add</c> then tries the token's next address.</summary>
public sealed class UnreachableRemoteException(string message) : CliException(message);
