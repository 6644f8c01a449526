using Incus.Platform;

namespace Incus.Daemon.Api;

/// <summary>
/// The result of checking a local connection's peer. Decided once per connection, from the kernel's
/// credentials, not from the socket file's mode, which an admin could loosen.
/// </summary>
public sealed record PeerAccess(PeerCredentials? Peer, bool Allowed, string UserName, string? Refusal)
{
    public const string ItemKey = "incus.peer-access";

    public static PeerAccess Decide(PeerCredentials peer, uint socketGroupId, string socketGroup)
    {
        string userName = UnixAccounts.FindUserName(peer.Uid) ?? $"uid={peer.Uid}";
        if (peer.Uid == 0 || peer.IsInGroup(socketGroupId))
        {
            return new PeerAccess(peer, true, userName, null);
        }
        return new PeerAccess(peer, false, userName,
            $"not authorized: user {userName} is not in the {socketGroup} group; add your user to the {socketGroup} group " +
            $"(usermod -aG {socketGroup} {userName}) and log in again");
    }
}
