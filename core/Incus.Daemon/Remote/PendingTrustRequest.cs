namespace Incus.Daemon.Remote;

/// <summary>What a trust token grants: the certificate fields are fixed when the token is made, so its user cannot choose them.</summary>
public sealed record PendingTrustRequest(string Name, bool Restricted, IReadOnlyList<string> Projects);
