using Incus.Helpers;
using Incus.Platform;

namespace Incus.Tests.Unit;

public sealed class AllowedCallersTests
{
    [Fact]
    public void OnlyTheAnnouncedPidWithTheRightUidMayCall()
    {
        var callers = new AllowedCallers(999);
        var core = new PeerCredentials(1234, 999, 999, []);
        Assert.NotNull(callers.Check(core));
        Assert.True(callers.ApplyControlLine("allow-pid 1234"));
        Assert.Null(callers.Check(core));
        Assert.NotNull(callers.Check(core with { Uid = 0 }));
        Assert.NotNull(callers.Check(core with { Pid = 1235 }));
        Assert.True(callers.ApplyControlLine("deny-pid 1234"));
        Assert.NotNull(callers.Check(core));
    }

    [Theory]
    [InlineData("allow-pid")]
    [InlineData("allow-pid -1")]
    [InlineData("allow-pid 0")]
    [InlineData("allow-uid 5")]
    [InlineData("allow-pid 12 13")]
    public void IgnoresMalformedControlLines(string line) => Assert.False(new AllowedCallers(1).ApplyControlLine(line));
}
