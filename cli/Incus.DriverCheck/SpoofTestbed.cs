using System.Net;
using System.Text;
using Incus.Daemon.Helpers;
using Incus.Platform;
using Incus.Sdk.Helpers;

namespace Incus.DriverCheck;

/// <summary>
/// The stage for the spoof behaviour checks, all in network namespaces made for the run: the real net
/// helper in one, with a bridge it made and two veth pairs on it, whose peer ends are moved into an
/// attacker's and a victim's namespace of their own. Frames are crafted in the attacker's namespace
/// and counted in the victim's. Disposing deletes every namespace, which takes every link and rule along.
/// </summary>
public sealed class SpoofTestbed : IAsyncDisposable
{
    public const string Bridge = "dcbr0";
    public const string PeerDevice = "eth0";

    /// <summary>A unicast MAC that is neither peer's (RFC 7042 documentation range).</summary>
    public const string SpoofedMac = "00:00:5e:00:53:66";

    public static readonly SpoofPeer Attacker = new("attacker", "dch-a", "dcp-a", "00:00:5e:00:53:0a", "192.0.2.10", "2001:db8::a");
    public static readonly SpoofPeer Victim = new("victim", "dch-b", "dcp-b", "00:00:5e:00:53:0b", "192.0.2.11", "2001:db8::b");

    // How many copies of each frame are sent; one would do, two tolerate a stray drop on a busy host.
    private const int Copies = 2;

    private readonly OwnedResources _owned = new("the testbed was not fully removed");
    private IsolatedNetHelper? _helper;
    private FrameSender? _sender;
    private FrameCounter? _counter;
    private FrameCounter? _hostCounter;

    private SpoofTestbed()
    {
    }

    public IsolatedNetHelper Helper => _helper ?? throw new InvalidOperationException("the testbed is not set up");

    public INetHelper Net => Helper.Client;

    public static async Task<SpoofTestbed> StartAsync(string netHelperPath, string workDirectory)
    {
        var testbed = new SpoofTestbed();
        try
        {
            await testbed.SetUpAsync(netHelperPath, workDirectory).ConfigureAwait(false);
        }
        catch
        {
            await testbed.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return testbed;
    }

    private async Task SetUpAsync(string netHelperPath, string workDirectory)
    {
        _helper = await IsolatedNetHelper.StartAsync(netHelperPath, workDirectory, "incus-dc-").ConfigureAwait(false);
        _owned.Add(_helper);
        await Net.CreateBridgeAsync(new BridgeSpec { Name = Bridge }).ConfigureAwait(false);
        await Net.SetLinkStateAsync(new LinkState { Name = Bridge, Up = true }).ConfigureAwait(false);
        var attacker = await AddPeerAsync(Attacker).ConfigureAwait(false);
        var victim = await AddPeerAsync(Victim).ConfigureAwait(false);
        _counter = await FrameCounter.StartAsync(victim.Enter, PeerDevice).ConfigureAwait(false);
        _owned.Add(_counter);
        // The host's side: what the bridge delivers up to its own interface, after the input hooks.
        _hostCounter = await FrameCounter.StartAsync(Helper.Namespace.Enter, Bridge).ConfigureAwait(false);
        _owned.Add(_hostCounter);
        _sender = await FrameSender.StartAsync(attacker.Enter, PeerDevice, Attacker, Victim).ConfigureAwait(false);
        _owned.Add(_sender);
    }

    /// <summary>A veth pair made by the helper on the bridge, its peer moved into a namespace of its own and addressed there.</summary>
    private async Task<ScratchNetworkNamespace> AddPeerAsync(SpoofPeer peer)
    {
        await Net.CreateVethPairAsync(new VethPairSpec { HostName = peer.HostName, PeerName = peer.PeerName, Bridge = Bridge, PeerHwAddr = peer.Mac })
            .ConfigureAwait(false);
        var own = await ScratchNetworkNamespace.CreateAsync($"incus-dc-{peer.Role[0]}-").ConfigureAwait(false);
        _owned.Add(own);
        await Helper.Namespace.IpAsync("link", "set", peer.PeerName, "netns", own.Name).ConfigureAwait(false);
        await own.IpAsync("link", "set", peer.PeerName, "name", PeerDevice).ConfigureAwait(false);
        await own.IpAsync("address", "add", $"{peer.Ipv4}/24", "dev", PeerDevice).ConfigureAwait(false);
        await own.IpAsync("address", "add", $"{peer.Ipv6}/64", "dev", PeerDevice, "nodad").ConfigureAwait(false);
        await own.IpAsync("link", "set", PeerDevice, "up").ConfigureAwait(false);
        return own;
    }

    /// <summary>
    /// Sends every case's frames from the attacker and counts, at the victim (or at the host, for a case
    /// that says so), the frames of each. Each case gets its own marker, so one case's frames cannot be
    /// counted for another's.
    /// </summary>
    public async Task<IReadOnlyList<(FrameCase Case, int Arrived)>> MeasureAsync(IReadOnlyList<FrameCase> cases)
    {
        var sender = _sender ?? throw new InvalidOperationException("the testbed is not set up");
        var counter = _counter ?? throw new InvalidOperationException("the testbed is not set up");
        var hostCounter = _hostCounter ?? throw new InvalidOperationException("the testbed is not set up");
        var markers = cases.Select(_ => Encoding.ASCII.GetBytes("incus-check-" + Guid.NewGuid().ToString("N")[..12])).ToList();
        var patterns = cases.Select((c, i) => c.Pattern ?? markers[i]).ToList();
        if (patterns.Select(Convert.ToHexString).Distinct(StringComparer.Ordinal).Count() != patterns.Count)
        {
            throw new InvalidOperationException("two frame cases of one check look for the same bytes; the counts would mix");
        }
        await Task.WhenAll(counter.WatchAsync(patterns), hostCounter.WatchAsync(patterns)).ConfigureAwait(false);
        for (int i = 0; i < cases.Count; i++)
        {
            await sender.SendAsync(cases[i].Frame, markers[i], Copies).ConfigureAwait(false);
        }
        // Together: each report waits a moment for frames in flight, and the two moments may overlap.
        var victimReport = counter.ReportAsync(cases.Count);
        var hostReport = hostCounter.ReportAsync(cases.Count);
        await Task.WhenAll(victimReport, hostReport).ConfigureAwait(false);
        var (counts, hostCounts) = (await victimReport.ConfigureAwait(false), await hostReport.ConfigureAwait(false));
        return cases.Select((c, i) => (c, c.AtHost ? hostCounts[i] : counts[i])).ToList();
    }

    /// <summary>The firewall objects in the helper's namespace, which only the driver under test writes to.</summary>
    public Task<IReadOnlyList<string>> FirewallLeftoversAsync() => FirewallLeftovers.ListAsync(Helper.Namespace);

    /// <summary>The bytes of a neighbour advert's target followed by its target link-layer option, which identify it in a frame.</summary>
    public static byte[] NeighborAdvertPattern(string target, string mac) =>
        [.. IPAddress.Parse(target).GetAddressBytes(), 0x02, 0x01, .. mac.Split(':').Select(b => Convert.ToByte(b, 16))];

    /// <summary>Stops the frame tools and deletes every namespace, each even when another one fails.</summary>
    public ValueTask DisposeAsync() => _owned.DisposeAsync();
}
