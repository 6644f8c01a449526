using Incus.Helpers.Lxc;

namespace Incus.Tests.Unit;

public sealed class RecentNetworkReadsTests
{
    [Fact]
    public void AListingReusesARecentReadAndAHotPlugForcesANewOne()
    {
        // This process's own /proc/<pid>/net stands in for a container init's.
        int pid = Environment.ProcessId;
        RecentNetworkReads.Forget(pid);
        var first = RecentNetworkReads.Read(pid);
        Assert.Contains(first, i => i.Name == "lo");
        Assert.Same(first, RecentNetworkReads.Read(pid));
        RecentNetworkReads.Forget(pid);
        var fresh = RecentNetworkReads.Read(pid);
        Assert.NotSame(first, fresh);
        Assert.Equal(first.Select(i => i.Name), fresh.Select(i => i.Name));
    }

    [Fact]
    public void AnInitThatIsGoneHasNoInterfaces() => Assert.Empty(RecentNetworkReads.Read(int.MaxValue));
}
