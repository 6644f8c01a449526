using Incus.Cli;

namespace Incus.Tests.Unit;

public sealed class CliTests
{
    [Fact]
    public void PreseedConfigIsRead()
    {
        var preseed = Preseed.Parse("config:\n  user.a: \"1\"\n  user.b: two\n");
        Assert.Equal("1", preseed.Config["user.a"]);
        Assert.Equal("two", preseed.Config["user.b"]);
        Assert.Contains("\"user.a\":\"1\"", preseed.ToServerPatch());
    }

    [Theory]
    [InlineData("networks:\n- type: bridge\n", "needs a name")]
    [InlineData("networks:\n- name: n1\n  bogus: 1\n", "unknown network field")]
    [InlineData("projects:\n- name: p1\n", "not supported")]
    [InlineData("profiles: {a: 1}\n", "must be a list")]
    [InlineData("bogus: 1\n", "unknown section")]
    [InlineData("config: [1, 2]\n", "mapping")]
    [InlineData("config: {a: [\n", "invalid preseed YAML")]
    public void BadPreseedsAreRefusedBeforeAnythingIsApplied(string yaml, string expected)
    {
        var error = Assert.Throws<CliException>(() => Preseed.Parse(yaml));
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void PreseedNetworksAreReadWithBridgeAsTheDefaultType()
    {
        var preseed = Preseed.Parse("networks:\n- name: br1\n  config:\n    ipv4.address: 192.0.2.1/24\n    ipv6.address: none\n");
        var network = Assert.Single(preseed.Networks);
        Assert.Equal("br1", network.Name);
        Assert.Equal("bridge", network.Type);
        Assert.Equal("192.0.2.1/24", network.Config["ipv4.address"]);
        Assert.Equal("none", network.Config["ipv6.address"]);
    }

    [Fact]
    public void MinimalGivesTheDefaultProfileAnEth0OnIncusbr0()
    {
        var minimal = Preseed.Minimal();
        Assert.Equal("incusbr0", Assert.Single(minimal.Networks).Name);
        var eth0 = Assert.Single(minimal.Profiles).Devices["eth0"];
        Assert.Equal("nic", eth0["type"]);
        Assert.Equal("incusbr0", eth0["network"]);
    }

    [Fact]
    public void PreseedStoragePoolsAreRead()
    {
        var preseed = Preseed.Parse("storage_pools:\n- name: default\n  driver: dir\n  description: main\n");
        var pool = Assert.Single(preseed.StoragePools);
        Assert.Equal(("default", "dir", "main"), (pool.Name, pool.Driver, pool.Description));
        Assert.Throws<CliException>(() => Preseed.Parse("storage_pools:\n- name: x\n"));
        Assert.Throws<CliException>(() => Preseed.Parse("storage_pools:\n- name: x\n  driver: dir\n  source: /etc\n"));
        Assert.Equal("default", Assert.Single(Preseed.Minimal().StoragePools).Name);
    }

    [Fact]
    public void MultiLineCellsMakeTallRows()
    {
        string table = TableOutput.Render(["NAME", "IPV4"], [["c1", "192.0.2.5 (eth0)\n198.51.100.5 (eth1)"]], "table");
        Assert.Contains("| c1   | 192.0.2.5 (eth0)    |", table);
        Assert.Contains("|      | 198.51.100.5 (eth1) |", table);
    }

    [Fact]
    public void TablesAreBoxedAndCsvIsQuoted()
    {
        string table = TableOutput.Render(["NAME", "DRIVER"], [["default", "dir"]], "table");
        Assert.Equal("+---------+--------+\n|  NAME   | DRIVER |\n+---------+--------+\n| default | dir    |\n+---------+--------+\n", table);
        Assert.Equal("a,\"b,c\"\n", TableOutput.Render(["X", "Y"], [["a", "b,c"]], "csv"));
    }

    [Fact]
    public void PreseedProfilesAreRead()
    {
        var preseed = Preseed.Parse("profiles:\n- name: default\n  config:\n    user.a: b\n  devices:\n    root:\n      type: disk\n      path: /\n      pool: default\n");
        var profile = Assert.Single(preseed.Profiles);
        Assert.Equal("b", profile.Config["user.a"]);
        Assert.Equal("default", profile.Devices["root"]["pool"]);
        Assert.Throws<CliException>(() => Preseed.Parse("profiles:\n- description: nameless\n"));
        Assert.Equal("disk", Assert.Single(Preseed.Minimal().Profiles).Devices["root"]["type"]);
    }

    [Fact]
    public void EmptySectionsAreAccepted() => Assert.Empty(Preseed.Parse("networks: []\nstorage_pools:\n").Config);

    [Theory]
    [InlineData("6.0.3", "6.0.3 (LTS)")]
    [InlineData("6.23", "6.23 (feature release)")]
    [InlineData("0.1", "0.1 (feature release)")]
    public void VersionsSayWhetherTheyAreLts(string version, string expected) => Assert.Equal(expected, ClientVersion.Describe(version));

    [Fact]
    public void ConfigPairsParse()
    {
        Assert.Equal("v", Commands.ParsePairs(["k", "v"])["k"]);
        Assert.Equal("b=c", Commands.ParsePairs(["a=b=c"])["a"]);
        Assert.Throws<CliException>(() => Commands.ParsePairs(["novalue", "x=y", "z"]));
    }
}
