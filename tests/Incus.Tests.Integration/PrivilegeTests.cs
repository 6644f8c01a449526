using Incus.Platform;

namespace Incus.Tests.Integration;

/// <summary>The process model: an unprivileged core, helpers with their documented capability sets, nothing setuid.</summary>
[Collection(DaemonCollection.Name)]
public sealed class PrivilegeTests(DaemonFixture fixture)
{
    private RunningDaemon Daemon => fixture.Daemon;

    [Fact]
    public async Task TheProcessServingTheApiIsUnprivileged()
    {
        var answer = await UnixHttp.GetAsync(Daemon.SocketPath, "/1.0");
        int servingPid = answer.Metadata.GetProperty("environment").GetProperty("server_pid").GetInt32();
        Assert.Equal(Daemon.CorePid, servingPid);

        string[] status = File.ReadAllLines($"/proc/{servingPid}/status");
        var parsed = ProcessStatus.Parse(status);
        Assert.NotEqual(0u, parsed.RealUid);
        Assert.NotEqual(0u, parsed.EffectiveUid);
        Assert.Equal(UnixAccounts.FindUser("incus")!.Value.Uid, parsed.EffectiveUid);
        Assert.Contains("CapEff:\t0000000000000000", status);
        Assert.Contains("CapPrm:\t0000000000000000", status);
        Assert.Contains("CapBnd:\t0000000000000000", status);
        Assert.Contains(status, line => line.StartsWith("NoNewPrivs:\t1", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("host", "0000000000000000")]
    [InlineData("net", "00000000000034e1")]
    [InlineData("instance", "000000000000001b")]
    [InlineData("lxc", "000001fcfdfcffff")]
    public void EachHelperHasOnlyItsDocumentedCapabilities(string helper, string documented)
    {
        // A capability the test's own bounding set lacks (this sandbox has no cap_sys_resource) cannot be held by anyone.
        var expected = new CapabilitySet(CapabilitySet.ParseStatusHex(documented).Mask & ProcessStatus.ReadSelf().Bounding.Mask).ToStatusHex();
        var status = ProcessStatus.Read(Daemon.HelperPid(helper));
        Assert.Equal(0u, status.EffectiveUid);
        Assert.Equal(expected, status.Effective.ToStatusHex());
        Assert.Equal(expected, status.Permitted.ToStatusHex());
        Assert.Equal(expected, status.Bounding.ToStatusHex());
    }

    [Fact]
    public void EveryHelperThreadHasTheReducedSet()
    {
        foreach (string helper in new[] { "host", "net", "instance", "lxc" })
        {
            int pid = Daemon.HelperPid(helper);
            foreach (string task in Directory.GetDirectories($"/proc/{pid}/task"))
            {
                var status = ProcessStatus.Parse(File.ReadAllLines(Path.Combine(task, "status")));
                Assert.Equal(ProcessStatus.Read(pid).Effective, status.Effective);
            }
        }
    }

    [Fact]
    public async Task NothingInstalledIsSetuidOrSetgid()
    {
        var found = await Command.RunAsync("/usr/bin/find", Stage.Directory, "-perm", "/6000", "-print");
        Assert.Equal(0, found.ExitCode);
        Assert.Equal("", found.Output.Trim());
    }

    [Fact]
    public void TheDaemonRunsInItsOwnNetworkNamespace()
    {
        static string NetworkNamespaceOf(string pid) => new FileInfo($"/proc/{pid}/ns/net").LinkTarget!;
        string daemons = NetworkNamespaceOf(Daemon.SupervisorPid.ToString());
        Assert.NotEqual(NetworkNamespaceOf("self"), daemons);
        Assert.Equal(daemons, NetworkNamespaceOf(Daemon.CorePid.ToString()));
        Assert.Equal(daemons, NetworkNamespaceOf(Daemon.HelperPid("net").ToString()));
    }
}
