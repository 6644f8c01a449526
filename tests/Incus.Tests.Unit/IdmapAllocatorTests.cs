using Incus.Platform;
using Incus.Daemon.Instances;

namespace Incus.Tests.Unit;

public sealed class IdmapAllocatorTests
{
    private static readonly IdRange RootRange = new(1_000_000, 1_000_000_000);
    private readonly IdmapAllocator _allocator = new(RootRange);

    private static IdmapRequest Isolated(long? size = null, long? start = null) => new(false, true, size, start);

    [Fact]
    public void DefaultContainersShareTheFirst65536Ids()
    {
        var allocation = _allocator.Allocate(new IdmapRequest(false, false, null, null), 65536, []);
        Assert.Equal(new IdRange(1_000_000, 65536), allocation.Range);
        Assert.False(allocation.Isolated);
        Assert.Equal("0 1000000 65536", allocation.UidMapLine);
    }

    [Fact]
    public void PrivilegedContainersHaveNoMap()
    {
        var allocation = _allocator.Allocate(new IdmapRequest(true, false, null, null), 65536, []);
        Assert.Null(allocation.Range);
        Assert.Equal("0 0 4294967295", allocation.UidMapLine);
        Assert.Equal("[]", allocation.ToVolatileJson());
    }

    [Fact]
    public void IsolatedContainersGetDisjointRangesAfterTheSharedMap()
    {
        var taken = new List<IdRange>();
        for (int i = 0; i < 3; i++)
        {
            taken.Add(_allocator.Allocate(Isolated(), 65536, taken).Range!.Value);
        }
        Assert.Equal([new IdRange(1_065_536, 65536), new IdRange(1_131_072, 65536), new IdRange(1_196_608, 65536)], taken);
        var shared = new IdRange(1_000_000, 65536);
        foreach (var range in taken)
        {
            Assert.False(range.Overlaps(shared));
            Assert.Single(taken, other => other.Overlaps(range));
        }
    }

    [Fact]
    public void AllocationIsFirstFitAndDeterministic()
    {
        var taken = new List<IdRange> { new(1_065_536, 65536), new(1_196_608, 65536) };
        Assert.Equal(new IdRange(1_131_072, 65536), _allocator.Allocate(Isolated(), 65536, taken).Range);
        Assert.Equal(_allocator.Allocate(Isolated(), 65536, taken), _allocator.Allocate(Isolated(), 65536, taken));
        Assert.Equal(new IdRange(1_262_144, 100_000), _allocator.Allocate(Isolated(100_000), 65536, taken).Range);
    }

    [Fact]
    public void ALargerSharedMapPushesIsolatedRangesBack()
    {
        Assert.Equal(new IdRange(1_200_000, 65536), _allocator.Allocate(Isolated(), 200_000, []).Range);
        var shared = _allocator.Allocate(new IdmapRequest(false, false, 200_000, null), 65536, []);
        Assert.Equal(new IdRange(1_000_000, 200_000), shared.Range);
        var clash = Assert.Throws<InvalidOperationException>(() =>
            _allocator.Allocate(new IdmapRequest(false, false, 200_000, null), 65536, [new IdRange(1_065_536, 65536)]));
        Assert.Contains("overlap", clash.Message);
    }

    [Fact]
    public void AnExplicitBaseIsHonouredOrRefused()
    {
        Assert.Equal(new IdRange(5_000_000, 65536), _allocator.Allocate(Isolated(start: 5_000_000), 65536, []).Range);
        Assert.Contains("overlaps", Assert.Throws<InvalidOperationException>(() =>
            _allocator.Allocate(Isolated(start: 1_000_100), 65536, [])).Message);
        Assert.Contains("outside", Assert.Throws<InvalidOperationException>(() =>
            _allocator.Allocate(Isolated(start: 10), 65536, [])).Message);
    }

    [Fact]
    public void ExhaustionGivesTheNumbers()
    {
        var small = new IdmapAllocator(new IdRange(1_000_000, 190_000));
        var taken = new List<IdRange> { new(1_065_536, 65536) };
        var error = Assert.Throws<InvalidOperationException>(() => small.Allocate(Isolated(), 65536, taken));
        Assert.Contains("needs 65536", error.Message);
        Assert.Contains("largest free range has 58928", error.Message);
        Assert.Contains("190000 ids", error.Message);
    }

    [Fact]
    public void AnAllocationReadsBackFromItsVolatileJson()
    {
        var isolated = _allocator.Allocate(Isolated(100_000), 65536, []);
        Assert.Equal(isolated.Range, IdmapAllocation.RangeFromVolatileJson(isolated.ToVolatileJson()));
        Assert.Null(IdmapAllocation.RangeFromVolatileJson(IdmapAllocation.Privileged.ToVolatileJson()));
    }

    [Theory]
    [InlineData(false, false, null, null, 1_000_000L, 65536L, true)]
    [InlineData(false, false, 100_000L, null, 1_000_000L, 65536L, false)]
    [InlineData(false, false, null, null, 1_065_536L, 65536L, false)]
    [InlineData(false, true, null, null, 1_065_536L, 65536L, true)]
    [InlineData(false, true, null, null, 1_000_000L, 65536L, false)]
    [InlineData(false, true, 100_000L, null, 1_065_536L, 65536L, false)]
    [InlineData(false, true, null, 5_000_000L, 5_000_000L, 65536L, true)]
    [InlineData(false, true, null, 5_000_000L, 1_065_536L, 65536L, false)]
    [InlineData(true, false, null, null, 1_000_000L, 65536L, false)]
    public void AMapIsKeptOnlyWhileItFitsTheConfig(bool privileged, bool isolated, long? size, long? start, long mapStart, long mapSize, bool fits) =>
        Assert.Equal(fits, new IdmapRequest(privileged, isolated, size, start).IsSatisfiedBy(new IdRange(mapStart, mapSize), RootRange));

    [Fact]
    public void OnlyPrivilegedInstancesFitHavingNoMap()
    {
        Assert.True(new IdmapRequest(true, false, null, null).IsSatisfiedBy(null, RootRange));
        Assert.False(new IdmapRequest(false, false, null, null).IsSatisfiedBy(null, RootRange));
    }

    [Fact]
    public void ReadsRootsSubordinateRange()
    {
        using var directory = new TemporaryDirectory();
        string subuid = Path.Combine(directory.Path, "subuid"), subgid = Path.Combine(directory.Path, "subgid");
        File.WriteAllText(subuid, "alice:100000:65536\nroot:1000000:1000000000\n");
        File.WriteAllText(subgid, "root:1000000:500000000\n");
        Assert.Equal(new IdRange(1_000_000, 500_000_000), SubordinateIds.ForRoot(subuid, subgid));
        Assert.Equal(SubordinateIds.Fallback, SubordinateIds.ForRoot(Path.Combine(directory.Path, "none"), subgid));
    }
}
