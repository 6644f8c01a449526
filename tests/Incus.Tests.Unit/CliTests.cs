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
    [InlineData("networks:\n- name: incusbr0\n", "not supported")]
    [InlineData("bogus: 1\n", "unknown section")]
    [InlineData("config: [1, 2]\n", "mapping")]
    [InlineData("config: {a: [\n", "invalid preseed YAML")]
    public void BadPreseedsAreRefusedBeforeAnythingIsApplied(string yaml, string expected)
    {
        var error = Assert.Throws<CliException>(() => Preseed.Parse(yaml));
        Assert.Contains(expected, error.Message);
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
