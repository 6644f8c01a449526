using Incus.Daemon.Plugins;

namespace Incus.Tests.Unit;

public sealed class VersionRangeTests
{
    [Theory]
    [InlineData(">=1.0.0 <2.0.0", "1.0.0", true)]
    [InlineData(">=1.0.0 <2.0.0", "1.9.3", true)]
    [InlineData(">=1.0.0 <2.0.0", "2.0.0", false)]
    [InlineData(">=1.2 <2", "1.1.9", false)]
    [InlineData("1.0.0", "1.0.0", true)]
    [InlineData("=1.0.0", "1.0.1", false)]
    [InlineData(">1.0.0", "1.0.0", false)]
    [InlineData("<=1.0.0", "1.0.0", true)]
    public void Contains(string range, string version, bool expected) =>
        Assert.Equal(expected, VersionRange.Parse(range).Contains(SemanticVersion.Parse(version)));

    [Theory]
    [InlineData("")]
    [InlineData(">=x")]
    [InlineData("1.2.3.4")]
    public void RefusesMalformedRanges(string range) => Assert.Throws<FormatException>(() => VersionRange.Parse(range));
}
