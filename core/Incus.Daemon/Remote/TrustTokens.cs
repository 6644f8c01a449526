using System.Collections.Concurrent;
using System.Security.Cryptography;
using Incus.Api;
using Incus.Daemon.Operations;

namespace Incus.Daemon.Remote;

/// <summary>
/// One-time certificate add tokens. Each pending token is a running operation of class <c>token</c>,
/// as in Incus, so trusted clients can list tokens (<c>GET /1.0/operations</c>) and revoke one by
/// cancelling its operation. A token ends when it is used, when it expires, or when it is revoked;
/// in every case it is forgotten before anyone can present it again.
/// </summary>
public sealed class TrustTokens(OperationManager operations)
{
    private readonly ConcurrentDictionary<string, PendingTrustToken> _pending = new(StringComparer.Ordinal);

    public (TrackedOperation Operation, TrustToken Token) Create(PendingTrustRequest request, string serverFingerprint, IReadOnlyList<string> addresses,
        TimeSpan lifetime)
    {
        string secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var expiresAt = DateTimeOffset.UtcNow + lifetime;
        var token = new TrustToken(request.Name, serverFingerprint, addresses, secret, expiresAt);
        var pending = new PendingTrustToken(request, expiresAt);
        _pending[secret] = pending;
        var metadata = new Dictionary<string, object>
        {
            ["request"] = new { name = request.Name, type = "client", restricted = request.Restricted, projects = request.Projects },
            ["secret"] = secret,
            ["fingerprint"] = serverFingerprint,
            ["addresses"] = addresses,
            ["expiresAt"] = expiresAt,
        };
        var operation = operations.Start($"Certificate add token for {request.Name}", null, mayCancel: true, async (tokenOperation, cancellationToken) =>
        {
            try
            {
                var expired = Task.Delay(lifetime, cancellationToken);
                if (await Task.WhenAny(pending.Used, expired).ConfigureAwait(false) != pending.Used)
                {
                    await expired.ConfigureAwait(false); // throws when revoked, which ends the operation as cancelled
                    throw new TimeoutException("the token expired");
                }
            }
            finally
            {
                _pending.TryRemove(secret, out _);
            }
        }, operationClass: "token", initialMetadata: metadata);
        return (operation, token);
    }

    /// <summary>
    /// Takes the token for <paramref name="presented"/> (an encoded token or its bare secret) out of
    /// the pending set; null when there is none, or it expired. A token can be taken only once.
    /// </summary>
    public PendingTrustRequest? Use(string presented)
    {
        string secret = TrustToken.TryDecode(presented, out _)?.Secret ?? presented.Trim();
        if (secret.Length == 0 || !_pending.TryRemove(secret, out var pending))
        {
            return null;
        }
        if (pending.ExpiresAt <= DateTimeOffset.UtcNow)
        {
            return null;
        }
        pending.MarkUsed();
        return pending.Request;
    }
}
