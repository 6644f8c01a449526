using System.Text.Json;
using Incus.Cli;

namespace Incus.Tests.Unit;

public sealed class InstanceListColumnsTests
{
    private static readonly JsonElement Instance = JsonDocument.Parse("""
        {"name":"c1","status":"Running","type":"container","profiles":["default","extra"],"created_at":"2026-11-26T01:02:03Z","state":{"pid":4242}}
        """).RootElement;

    [Fact]
    public void TheDefaultIsIncusColumnsAndEachLetterHasItsHeader()
    {
        Assert.Equal(["NAME", "STATE", "IPV4", "IPV6", "TYPE", "SNAPSHOTS"], InstanceListColumns.Parse(InstanceListColumns.Default).Select(InstanceListColumns.Header));
        Assert.Equal(["PID", "PROFILES", "CREATED AT"], InstanceListColumns.Parse("pPc").Select(InstanceListColumns.Header));
    }

    [Fact]
    public void CellsComeFromTheListing()
    {
        string Cell(char c) => InstanceListColumns.Cell(c, Instance, (_, family) => family);
        Assert.Equal("c1", Cell('n'));
        Assert.Equal("RUNNING", Cell('s'));
        Assert.Equal("inet", Cell('4'));
        Assert.Equal("4242", Cell('p'));
        Assert.Equal("default\nextra", Cell('P'));
        Assert.Equal("2026/11/26 01:02 UTC", Cell('c'));
    }

    [Theory]
    [InlineData("nz", "'z'")]
    [InlineData("", "Empty")]
    public void UnknownOrNoColumnsAreRefused(string shorthand, string message) =>
        Assert.Contains(message, Assert.Throws<CliException>(() => InstanceListColumns.Parse(shorthand)).Message);
}
