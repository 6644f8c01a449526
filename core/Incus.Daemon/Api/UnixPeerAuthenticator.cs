using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;

namespace Incus.Daemon.Api;

/// <summary>
/// The Unix socket: the connection's peer credentials were checked when it was accepted
/// (<see cref="PeerAccess"/>); an admitted peer is trusted, anyone else is refused outright.
/// </summary>
public sealed class UnixPeerAuthenticator : IRequestAuthenticator
{
    public RequestIdentity? Authenticate(HttpContext context, out string? refusal)
    {
        var items = context.Features.Get<IConnectionItemsFeature>()?.Items;
        if (items is null || !items.TryGetValue(PeerAccess.ItemKey, out var value) || value is not PeerAccess access)
        {
            refusal = "not authorized: the peer's credentials are unknown";
            return null;
        }
        if (!access.Allowed)
        {
            refusal = access.Refusal;
            return null;
        }
        refusal = null;
        return new RequestIdentity(true, access.UserName, RequestIdentity.UnixMethod, null);
    }
}
