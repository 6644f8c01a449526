namespace Incus.Tests.Integration;

/// <summary>
/// packaging/build-debs.sh on the stage: the .deb files build, <c>dpkg-deb -c</c> shows the layout that
/// docs/packagers.md documents, dpkg unpacks them together into a clean root, and a daemon run from that
/// root without the firewall-xt package loads the other plugins, and asked for xtables reports that no such
/// firewall plugin is installed.
/// </summary>
public sealed class DebianPackageTests(DebianPackages packages) : IClassFixture<DebianPackages>
{
    private static readonly string[] Plugins = ["firewall-nft", "firewall-xt", "network-bridge", "network-routed", "storage-dir"];

    private string Work => packages.Work;
    private string Debs => packages.Debs;
    private string Root => Path.Combine(Work, "root");
    private string Version => packages.Version;

    private string Deb(string package) =>
        Assert.Single(Directory.GetFiles(Debs, $"{package}_*.deb"), f => Path.GetFileName(f).StartsWith(package + "_", StringComparison.Ordinal));

    /// <summary>The paths <c>dpkg-deb -c</c> lists (without the leading "."), symlinks as "path -> target".</summary>
    private static async Task<List<string>> ContentsAsync(string deb)
    {
        var listing = (await Command.RunAsync("dpkg-deb", "-c", deb)).EnsureSuccess("dpkg-deb -c").Output;
        return listing.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries)[5])
            .Select(entry => entry.StartsWith("./", StringComparison.Ordinal) ? entry[1..] : entry)
            .ToList();
    }

    private static async Task<string> FieldAsync(string deb, string field) =>
        (await Command.RunAsync("dpkg-deb", "-f", deb, field)).EnsureSuccess("dpkg-deb -f").Output.Trim();

    [Fact]
    public async Task TheDaemonPackageHasTheDocumentedLayoutAndNoPlugins()
    {
        var contents = await ContentsAsync(Deb("incus"));
        foreach (string path in new[]
        {
            "/usr/lib/incus/incusd/incusd", "/usr/lib/incus/core/incus-core",
            "/usr/lib/incus/helpers/host/incus-helper-host", "/usr/lib/incus/helpers/net/incus-helper-net",
            "/usr/lib/incus/helpers/instance/incus-helper-instance", "/usr/lib/incus/helpers/lxc/incus-helper-lxc",
            "/usr/lib/incus/plugins/", "/usr/sbin/incusd -> /usr/lib/incus/incusd/incusd",
            "/usr/lib/systemd/system/incusd.service", "/usr/lib/sysusers.d/incus.conf", "/usr/lib/tmpfiles.d/incus.conf",
            "/etc/logrotate.d/incus",
        })
        {
            Assert.Contains(path, contents);
        }
        // Drivers come only from plugin packages.
        Assert.DoesNotContain(contents, p => p.StartsWith("/usr/lib/incus/plugins/", StringComparison.Ordinal) && p != "/usr/lib/incus/plugins/");
        string depends = await FieldAsync(Deb("incus"), "Depends");
        Assert.Contains("lxc", depends.Split(", "));
        // The core carries its own runtime (one composite ReadyToRun image); the rest is native.
        Assert.Contains("/usr/lib/incus/core/libcoreclr.so", contents);
        Assert.Contains("/usr/lib/incus/core/incus-core.r2r.dll", contents);
        Assert.DoesNotContain(depends.Split(", "), d => d.Contains("runtime", StringComparison.Ordinal));
        (await Command.RunAsync("dpkg-deb", "-e", Deb("incus"), Path.Combine(Work, "control"))).EnsureSuccess("dpkg-deb -e");
        Assert.Equal("/etc/logrotate.d/incus", File.ReadAllText(Path.Combine(Work, "control", "conffiles")).Trim());
        Assert.Contains("interest-noawait /usr/lib/incus/plugins", File.ReadAllText(Path.Combine(Work, "control", "triggers")));
    }

    [Fact]
    public async Task TheClientAndTheKitAreTheirOwnPackages()
    {
        Assert.Contains("/usr/bin/incus -> /usr/lib/incus/cli/incus", await ContentsAsync(Deb("incus-client")));
        Assert.Contains("/usr/bin/incus-driver-check -> /usr/lib/incus/driver-check/incus-driver-check", await ContentsAsync(Deb("incus-driver-check")));
    }

    [Theory]
    [InlineData("firewall-nft", "nftables")]
    [InlineData("firewall-xt", "iptables, ebtables, arptables")]
    [InlineData("network-bridge", "dnsmasq-base")]
    [InlineData("network-routed", "")]
    [InlineData("storage-dir", "")]
    public async Task EachPluginIsAPackageWithItsToolsAsDepends(string plugin, string tools)
    {
        string deb = Deb($"incus-plugin-{plugin}");
        var contents = await ContentsAsync(deb);
        Assert.Contains($"/usr/lib/incus/plugins/{plugin}/plugin.json", contents);
        // Only its own folder (and the directories above it, which dpkg shares between packages).
        Assert.All(contents, p => Assert.True(p.StartsWith($"/usr/lib/incus/plugins/{plugin}/", StringComparison.Ordinal)
            || "/usr/lib/incus/plugins/".StartsWith(p, StringComparison.Ordinal), p));
        Assert.DoesNotContain(contents, p => p.EndsWith("/Incus.Sdk.dll", StringComparison.Ordinal));
        string expected = $"incus (= {Version})" + (tools.Length > 0 ? $", {tools}" : "");
        Assert.Equal(expected, await FieldAsync(deb, "Depends"));
    }

    [Fact]
    public async Task WithoutTheFirewallXtPackageTheDaemonReportsNoXtables()
    {
        Directory.CreateDirectory(Path.Combine(Root, "var", "lib", "dpkg", "info"));
        Directory.CreateDirectory(Path.Combine(Root, "var", "lib", "dpkg", "updates"));
        File.WriteAllText(Path.Combine(Root, "var", "lib", "dpkg", "status"), "");
        var chosen = Directory.GetFiles(Debs, "*.deb").Where(d => !Path.GetFileName(d).StartsWith("incus-plugin-firewall-xt_", StringComparison.Ordinal)).ToList();
        // A real dpkg unpack into a clean root: it refuses two packages that ship the same file. Their
        // Depends (lxc, nftables, ...) are the host's business, not this empty root's.
        (await Command.RunAsync("dpkg", ["--root", Root, "--force-depends", "--unpack", .. chosen], timeout: TimeSpan.FromMinutes(3))).EnsureSuccess("dpkg --unpack");
        string plugins = Path.Combine(Root, "usr", "lib", "incus", "plugins");
        Assert.Equal(Plugins.Where(p => p != "firewall-xt"), Directory.GetDirectories(plugins).Select(Path.GetFileName).Order(StringComparer.Ordinal));

        // No --libdir: the installed supervisor finds core/, helpers/ and plugins/ beside itself.
        await using var daemon = await RunningDaemon.StartProgramAsync(Path.Combine(Root, "usr", "lib", "incus", "incusd", "incusd"));
        var answer = await UnixHttp.GetAsync(daemon.SocketPath, "/1.0");
        Assert.Equal(200, answer.Status);
        var environment = answer.Metadata.GetProperty("environment");
        var loaded = environment.GetProperty("plugins").EnumerateArray()
            .Where(p => p.GetProperty("status").GetString() == "loaded").Select(p => p.GetProperty("name").GetString()).ToList();
        Assert.Equal(Plugins.Where(p => p != "firewall-xt"), loaded.Order(StringComparer.Ordinal));
        Assert.Contains("dir", environment.GetProperty("storage").GetString()!.Split(" | "));
        Assert.Equal("nftables", environment.GetProperty("firewall").GetString());

        // Asking for xtables by name is what shows it unavailable: with the package installed the
        // restarted core would use it (FirewallDriverSwitchTests), without it there is no driver at all.
        await daemon.ApiAsync(HttpMethod.Patch, "/1.0", new { config = new Dictionary<string, string> { ["firewall.driver"] = "xtables" } });
        int core = daemon.CorePid;
        (await Command.RunAsync("/bin/kill", "-9", core.ToString(System.Globalization.CultureInfo.InvariantCulture))).EnsureSuccess("kill the core");
        await daemon.WaitForRestartAsync("incus-core", core, TimeSpan.FromSeconds(30));
        await daemon.WaitForApiAsync(TimeSpan.FromSeconds(30));
        var restarted = await UnixHttp.GetAsync(daemon.SocketPath, "/1.0");
        Assert.Equal("xtables", restarted.Metadata.GetProperty("config").GetProperty("firewall.driver").GetString());
        Assert.Equal("", restarted.Metadata.GetProperty("environment").GetProperty("firewall").GetString());
        var reconcile = await daemon.ApiAsync(HttpMethod.Post, "/1.0/firewall/reconcile", new { }, mustSucceed: false);
        Assert.Equal(503, reconcile.Status);
        Assert.Contains("firewall.driver=xtables, but no such firewall plugin is installed", reconcile.Error);
    }
}
