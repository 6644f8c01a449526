using System.Diagnostics;
using System.Globalization;
using Incus.Platform;
using Incus.Sdk.Firewall;
using Incus.Sdk.Helpers;

namespace Incus.Bench.Filters;

/// <summary>
/// Two NICs on the bench bridge whose peer ends live in a sender's and a receiver's network namespace
/// of their own, as two instances' would, with an iperf3 server in the receiver's. Only documentation
/// addresses are used and every link lives in namespaces made for the run, so no packet leaves the
/// machine. Disposing stops the server and deletes both namespaces.
/// </summary>
public sealed class ThroughputProbe : IAsyncDisposable
{
    public const string DefaultIperf3 = "/usr/bin/iperf3";

    private const string Ip = "/bin/ip";
    private const string PeerDevice = "eth0";
    private const string SenderIpv4 = "192.0.2.1";
    private const string ReceiverIpv4 = "192.0.2.2";

    private readonly string _iperf3;
    private readonly int _seconds;
    private readonly OwnedResources _owned = new("the throughput namespaces were not fully removed");
    private ScratchNetworkNamespace? _sender;
    private Process? _server;

    private ThroughputProbe(string iperf3, int seconds)
    {
        _iperf3 = iperf3;
        _seconds = seconds;
    }

    /// <summary>The sender's NIC filter with all three filters on, allowing exactly its real addresses.</summary>
    public NicFilterSpec SenderFilter { get; } = Filter("fbts", "00:00:5e:00:53:01", SenderIpv4, "2001:db8:fb::1");

    /// <summary>The receiver's, filtered too, as Incus filters every instance on the bridge.</summary>
    public NicFilterSpec ReceiverFilter { get; } = Filter("fbtr", "00:00:5e:00:53:02", ReceiverIpv4, "2001:db8:fb::2");

    public static async Task<ThroughputProbe> StartAsync(INetHelper helper, ScratchNetworkNamespace bridgeNamespace, string bridge, string iperf3, int seconds)
    {
        var probe = new ThroughputProbe(iperf3, seconds);
        try
        {
            probe._sender = await probe.AddPeerAsync(helper, bridgeNamespace, bridge, probe.SenderFilter, SenderIpv4, "2001:db8:fb::1").ConfigureAwait(false);
            var receiver = await probe.AddPeerAsync(helper, bridgeNamespace, bridge, probe.ReceiverFilter, ReceiverIpv4, "2001:db8:fb::2").ConfigureAwait(false);
            var server = new ProcessStartInfo(Ip) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (string argument in (string[])["netns", "exec", receiver.Name, iperf3, "--server", "--bind", ReceiverIpv4])
            {
                server.ArgumentList.Add(argument);
            }
            // ip netns exec execs iperf3 in place, so this process id is the server's own.
            probe._server = Process.Start(server) ?? throw new InvalidOperationException("could not start the iperf3 server");
            probe._server.OutputDataReceived += (_, _) => { };
            probe._server.ErrorDataReceived += (_, _) => { };
            probe._server.BeginOutputReadLine();
            probe._server.BeginErrorReadLine();
        }
        catch
        {
            await probe.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return probe;
    }

    /// <summary>One iperf3 TCP run from the sender to the receiver; the receiver's figure in Gbit/s.</summary>
    public async Task<double> MeasureGbpsAsync(CancellationToken cancellationToken)
    {
        var sender = _sender ?? throw new InvalidOperationException("the probe is not set up");
        // The server may still be starting on the first run; iperf3 then fails at once with a refusal.
        for (int attempt = 1; ; attempt++)
        {
            var (exitCode, output, error) = await RunAsync(
                [Ip, "netns", "exec", sender.Name, _iperf3, "--client", ReceiverIpv4, "--time", _seconds.ToString(CultureInfo.InvariantCulture), "--json"],
                cancellationToken).ConfigureAwait(false);
            try
            {
                if (string.IsNullOrWhiteSpace(output))
                {
                    throw new InvalidOperationException($"iperf3 printed nothing (exit {exitCode}): {error.Trim()}");
                }
                return Iperf3Report.ReceivedBitsPerSecond(output) / 1e9;
            }
            catch (InvalidOperationException) when (attempt < 10)
            {
                await Task.Delay(300, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task<ScratchNetworkNamespace> AddPeerAsync(INetHelper helper, ScratchNetworkNamespace bridgeNamespace, string bridge, NicFilterSpec filter, string ipv4, string ipv6)
    {
        string peer = filter.HostName + "p";
        await helper.CreateVethPairAsync(new VethPairSpec { HostName = filter.HostName, PeerName = peer, Bridge = bridge, PeerHwAddr = filter.HwAddr }).ConfigureAwait(false);
        var own = await ScratchNetworkNamespace.CreateAsync("incus-fb-" + filter.HostName[3..] + "-").ConfigureAwait(false);
        _owned.Add(own);
        await bridgeNamespace.IpAsync("link", "set", peer, "netns", own.Name).ConfigureAwait(false);
        await own.IpAsync("link", "set", peer, "name", PeerDevice).ConfigureAwait(false);
        await own.IpAsync("address", "add", ipv4 + "/24", "dev", PeerDevice).ConfigureAwait(false);
        await own.IpAsync("address", "add", ipv6 + "/64", "dev", PeerDevice, "nodad").ConfigureAwait(false);
        await own.IpAsync("link", "set", PeerDevice, "up").ConfigureAwait(false);
        return own;
    }

    private static NicFilterSpec Filter(string host, string mac, string ipv4, string ipv6) => new()
    {
        Instance = "bench-" + host,
        Device = PeerDevice,
        HostName = host,
        HwAddr = mac,
        MacFiltering = true,
        Ipv4Allowed = [ipv4],
        Ipv6Allowed = [ipv6],
    };

    /// <summary>Runs a command to completion and returns its exit code, stdout and stderr.</summary>
    public static Task<(int ExitCode, string Output, string Error)> RunAsync(IReadOnlyList<string> command, CancellationToken cancellationToken) =>
        ProgramOutput.RunAsync(command[0], command.Skip(1), cancellationToken);

    /// <summary>Stops the iperf3 server, then deletes the sender's and receiver's namespaces, each even when another step fails.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_server is { } server)
        {
            _server = null;
            try
            {
                if (!server.HasExited)
                {
                    server.Kill();
                    await server.WaitForExitAsync().ConfigureAwait(false);
                }
            }
            finally
            {
                server.Dispose();
            }
        }
        await _owned.DisposeAsync().ConfigureAwait(false);
    }
}
