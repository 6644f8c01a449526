using Incus.Api;

namespace Incus.Tests.Unit;

public sealed class ConfigPatchTests
{
    [Fact]
    public void SetsOverwriteAndEmptyValuesRemove()
    {
        var current = new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" };
        var patched = ConfigPatch.Apply(current, new Dictionary<string, string> { ["a"] = "", ["b"] = "3", ["c"] = "4" });
        Assert.Equal(new Dictionary<string, string> { ["b"] = "3", ["c"] = "4" }, patched);
        Assert.Equal("1", current["a"]);
        Assert.Equal(current, ConfigPatch.Apply(current, null));
    }
}
