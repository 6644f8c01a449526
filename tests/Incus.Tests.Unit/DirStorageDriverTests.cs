using Incus.Plugins.StorageDir;
using Incus.Sdk.Drivers;
using Incus.Sdk.Helpers;
using Moq;

namespace Incus.Tests.Unit;

public sealed class DirStorageDriverTests
{
    [Fact]
    public void RefusesEveryConfigKeyWithItsName()
    {
        var driver = new DirStorageDriver();
        Assert.Null(driver.ValidateConfig(new Dictionary<string, string>()));
        Assert.Contains("\"source\"", driver.ValidateConfig(new Dictionary<string, string> { ["source"] = "/srv" }));
        Assert.Contains("\"size\"", driver.ValidateConfig(new Dictionary<string, string> { ["size"] = "1GiB" }));
    }

    [Fact]
    public async Task AsksTheHelperByNameOnly()
    {
        var helper = new Mock<IStorageHelper>(MockBehavior.Strict);
        helper.Setup(h => h.CreateDirPoolAsync(It.Is<PoolName>(p => p.Name == "default"), It.IsAny<CancellationToken>())).Returns(Task.CompletedTask);
        helper.Setup(h => h.DeleteDirPoolAsync(It.Is<PoolName>(p => p.Name == "default"), It.IsAny<CancellationToken>())).Returns(Task.CompletedTask);
        var context = new StoragePoolContext { Name = "default", Config = new Dictionary<string, string>(), Helper = helper.Object };
        var driver = new DirStorageDriver();
        await driver.CreatePoolAsync(context, CancellationToken.None);
        await driver.DeletePoolAsync(context, CancellationToken.None);
        helper.VerifyAll();
    }
}
