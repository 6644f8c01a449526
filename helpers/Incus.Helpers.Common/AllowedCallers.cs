using Incus.Platform;

namespace Incus.Helpers;

/// <summary>
/// The processes that may call this helper. The uid is fixed at start; the pids arrive from the
/// supervisor on stdin ("allow-pid N" / "deny-pid N"), because only the supervisor knows which
/// process is the core right now. A process running as the core's user is not enough.
/// </summary>
public sealed class AllowedCallers(uint callerUid)
{
    private readonly HashSet<int> _pids = new();
    private readonly Lock _gate = new();

    public uint CallerUid { get; } = callerUid;

    public void Allow(int pid)
    {
        lock (_gate)
        {
            _pids.Add(pid);
        }
    }

    public void Deny(int pid)
    {
        lock (_gate)
        {
            _pids.Remove(pid);
        }
    }

    /// <summary>Null when the peer may call; otherwise why not.</summary>
    public string? Check(PeerCredentials peer)
    {
        if (peer.Uid != CallerUid)
        {
            return $"caller uid {peer.Uid} is not the daemon core's uid";
        }
        lock (_gate)
        {
            return _pids.Contains(peer.Pid) ? null : $"caller pid {peer.Pid} is not the daemon core";
        }
    }

    /// <summary>Applies one control line from the supervisor. Returns false for a line it does not understand.</summary>
    public bool ApplyControlLine(string line)
    {
        string[] parts = line.Split(' ', 2);
        if (parts.Length != 2 || !int.TryParse(parts[1], out int pid) || pid <= 0)
        {
            return false;
        }
        switch (parts[0])
        {
            case "allow-pid": Allow(pid); return true;
            case "deny-pid": Deny(pid); return true;
            default: return false;
        }
    }
}
