using System.Text.Json;

namespace Incus.DriverCheck;

/// <summary>
/// Sends crafted frames from the attacker's interface: one scapy process, started once inside the
/// attacker's network namespace (importing scapy takes seconds, a send takes milliseconds). A frame
/// is a scapy expression that may use the names <c>a</c> and <c>b</c> (dicts of mac, ip4, ip6 for the
/// attacker and the victim) and <c>marker</c> (the bytes a counter looks for).
/// </summary>
public sealed class FrameSender : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private const string Script = """
        import json, sys
        from scapy.all import conf, Ether, ARP, IP, IPv6, UDP, Raw, Padding, Dot1Q, Dot1AD, BOOTP, DHCP
        from scapy.layers.inet6 import ICMPv6ND_NA, ICMPv6ND_RA, ICMPv6NDOptDstLLAddr, ICMPv6NDOptPrefixInfo
        a, b = json.loads(sys.argv[2]), json.loads(sys.argv[3])
        s = conf.L2socket(iface=sys.argv[1])
        print('ready', flush=True)
        for line in sys.stdin:
            request = json.loads(line)
            try:
                marker = bytes.fromhex(request['marker'])
                frame = eval(request['frame'])
                for _ in range(request['count']):
                    s.send(frame)
                print('sent', flush=True)
            except Exception as e:
                print('error ' + repr(e).replace('\n', ' '), flush=True)
        """;

    private readonly PythonChild _python;

    private FrameSender(PythonChild python) => _python = python;

    /// <param name="enter">The command prefix that enters the attacker's network namespace.</param>
    /// <param name="device">The attacker's interface there.</param>
    public static async Task<FrameSender> StartAsync(IReadOnlyList<string> enter, string device, SpoofPeer attacker, SpoofPeer victim)
    {
        var python = PythonChild.Start(enter, Script, device, attacker.ToJson(), victim.ToJson());
        try
        {
            string first = await python.ReadLineAsync(Patience).ConfigureAwait(false);
            if (first != "ready")
            {
                throw new InvalidOperationException($"the frame sender said \"{first}\": {python.Errors}");
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException)
        {
            await python.DisposeAsync().ConfigureAwait(false);
            throw new InvalidOperationException($"the frame sender did not start; it needs python3 with scapy (Debian: python3-scapy): {ex.Message}", ex);
        }
        return new FrameSender(python);
    }

    /// <summary>Sends <paramref name="count"/> copies of the frame <paramref name="frame"/>, carrying <paramref name="marker"/>.</summary>
    public async Task SendAsync(string frame, byte[] marker, int count)
    {
        string request = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["frame"] = frame, ["marker"] = Convert.ToHexStringLower(marker), ["count"] = count,
        });
        string answer = await _python.AskAsync(request, Patience).ConfigureAwait(false);
        if (answer != "sent")
        {
            throw new InvalidOperationException($"scapy could not send {frame}: {answer}");
        }
    }

    public ValueTask DisposeAsync() => _python.DisposeAsync();
}
