namespace Incus.Tests.Integration;

/// <summary>What a stopping daemon does with the dnsmasqs its net helper supervises.</summary>
public sealed class NetworkShutdownTests
{
    [Fact]
    public async Task StoppingTheDaemonStopsItsDnsmasqs()
    {
        await using var daemon = await RunningDaemon.StartAsync();
        var created = await UnixHttp.SendAsync(daemon.SocketPath, HttpMethod.Post, "/1.0/networks",
            "{\"name\":\"tbr7\",\"config\":{\"ipv4.address\":\"203.0.113.1/24\",\"ipv6.address\":\"none\"}}");
        Assert.True(created.Status == 200, created.Error);
        Assert.NotEmpty(DnsmasqsOf(daemon.Directory));
        await daemon.StopAsync(TimeSpan.FromSeconds(30));
        Assert.Empty(DnsmasqsOf(daemon.Directory));
    }

    private static List<int> DnsmasqsOf(string directory)
    {
        var pids = new List<int>();
        foreach (string entry in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(entry), out int pid))
            {
                continue;
            }
            try
            {
                string[] argv = File.ReadAllText(Path.Combine(entry, "cmdline")).Split('\0');
                if (argv[0] == "/usr/sbin/dnsmasq" && argv.Any(a => a.StartsWith($"--dhcp-leasefile={directory}/", StringComparison.Ordinal)))
                {
                    pids.Add(pid);
                }
            }
            catch (IOException)
            {
                // The process ended while we looked.
            }
        }
        return pids;
    }
}
