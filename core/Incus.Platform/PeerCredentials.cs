namespace Incus.Platform;

/// <summary>The kernel's view of who is on the other end of a Unix socket (SO_PEERCRED / SO_PEERGROUPS).</summary>
public sealed record PeerCredentials(int Pid, uint Uid, uint Gid, IReadOnlyList<uint> Groups)
{
    /// <summary>True when the peer's primary or any supplementary group is <paramref name="gid"/>.</summary>
    public bool IsInGroup(uint gid) => Gid == gid || Groups.Contains(gid);

    public override string ToString() => $"pid={Pid} uid={Uid} gid={Gid}";
}
