using Incus.Platform;

namespace Incus.Helpers.Net;

/// <summary>What the net helper keeps across connections: owned links, running dnsmasqs, paths.</summary>
public sealed class NetHelperState
{
    private static readonly Lock Gate = new();
    private static NetHelperState? _shared;

    private NetHelperState(HelperOptions options, Action<string> log)
    {
        IncusDir = options.IncusDir;
        Links = OwnedLinks.For(options.StateDirectory("net"));
        Proxies = ProxyNeighbors.Load(options.StateDirectory("net"));
        Dnsmasq = new DnsmasqSupervisor(log);
        Nftables = new NftablesRunner(log);
        // Debian's dnsmasq-base creates the dnsmasq user; without it, nobody as the last resort.
        var user = UnixAccounts.FindUser("dnsmasq") ?? UnixAccounts.FindUser("nobody")
            ?? throw new InvalidOperationException("neither a dnsmasq nor a nobody user exists to run dnsmasq as");
        DnsmasqUid = user.Uid;
        DnsmasqGid = user.Gid;
        DnsmasqUserName = UnixAccounts.FindUserName(user.Uid)!;
        DnsmasqGroupName = UnixAccounts.FindGroupName(user.Gid) ?? throw new InvalidOperationException($"the group {user.Gid} of dnsmasq's user has no name");
    }

    public string IncusDir { get; }
    public OwnedLinks Links { get; }
    public ProxyNeighbors Proxies { get; }
    public DnsmasqSupervisor Dnsmasq { get; }
    public NftablesRunner Nftables { get; }
    public uint DnsmasqUid { get; }
    public uint DnsmasqGid { get; }
    public string DnsmasqUserName { get; }
    public string DnsmasqGroupName { get; }

    public static NetHelperState Shared(HelperOptions options, Action<string> log)
    {
        lock (Gate)
        {
            return _shared ??= new NetHelperState(options, log);
        }
    }

    public static NetHelperState? Existing
    {
        get
        {
            lock (Gate)
            {
                return _shared;
            }
        }
    }
}
