using Incus.Helpers;

namespace Incus.Tests.Unit;

public sealed class ConfinedDirectoryTests : IDisposable
{
    private const UnixFileMode Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private readonly TemporaryDirectory _scratch = new();

    [Fact]
    public void CreatesOpensAndRemovesChildren()
    {
        using var root = ConfinedDirectory.OpenRoot(Path.Combine(_scratch.Path, "root"), Mode);
        using (var child = root.CreateChild("pool", Mode | UnixFileMode.OtherExecute))
        {
            child.CreateChild("containers", Mode).Dispose();
            Assert.Equal(["containers"], child.ListEntries());
        }
        Assert.Equal(Mode | UnixFileMode.OtherExecute, File.GetUnixFileMode(Path.Combine(_scratch.Path, "root", "pool")));
        var error = Assert.Throws<HelperRequestException>(() => root.RemoveEmptyChild("pool"));
        Assert.Contains("not empty", error.Message);
        using (var pool = root.OpenChild("pool"))
        {
            pool.RemoveEmptyChild("containers");
        }
        root.RemoveEmptyChild("pool");
        Assert.Empty(root.ListEntries());
    }

    [Fact]
    public void RefusesToFollowAPlantedSymlink()
    {
        string outside = Directory.CreateDirectory(Path.Combine(_scratch.Path, "outside")).FullName;
        Directory.CreateDirectory(Path.Combine(outside, "containers"));
        using var root = ConfinedDirectory.OpenRoot(Path.Combine(_scratch.Path, "root"), Mode);
        File.CreateSymbolicLink(Path.Combine(_scratch.Path, "root", "evil"), outside);

        Assert.Contains("symlink", Assert.Throws<HelperRequestException>(() => root.OpenChild("evil")).Message);
        Assert.Contains("already exists", Assert.Throws<HelperRequestException>(() => root.CreateChild("evil", Mode)).Message);
        Assert.Throws<HelperRequestException>(() => root.RemoveEmptyChild("evil"));
        Assert.True(Directory.Exists(Path.Combine(outside, "containers")));
        Assert.DoesNotContain("evil", root.ListDirectories());
    }

    [Theory]
    [InlineData("..")]
    [InlineData(".")]
    [InlineData("a/b")]
    [InlineData("../outside")]
    [InlineData("x\n")]
    [InlineData("")]
    public void RefusesAnythingButOneComponent(string name)
    {
        using var root = ConfinedDirectory.OpenRoot(Path.Combine(_scratch.Path, "root"), Mode);
        Assert.Throws<HelperRequestException>(() => root.CreateChild(name, Mode));
        Assert.Throws<HelperRequestException>(() => root.OpenChild(name));
    }

    [Theory]
    [InlineData("default")]
    [InlineData("pool-1.ssd_2")]
    public void AcceptsPoolNames(string name) => Assert.Equal(name, PoolNames.Validate(name));

    [Theory]
    [InlineData("-x")]
    [InlineData(".hidden")]
    [InlineData("a..b")]
    [InlineData("a/b")]
    [InlineData("")]
    [InlineData("x\n")]
    public void RefusesPoolNames(string name) => Assert.Throws<HelperRequestException>(() => PoolNames.Validate(name));

    public void Dispose() => _scratch.Dispose();
}
