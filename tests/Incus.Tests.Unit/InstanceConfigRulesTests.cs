using Incus.Daemon.Instances;

namespace Incus.Tests.Unit;

public sealed class InstanceConfigRulesTests
{
    [Theory]
    [InlineData("security.privileged", "true")]
    [InlineData("security.idmap.isolated", "false")]
    [InlineData("security.idmap.size", "65536")]
    [InlineData("security.idmap.base", "1065536")]
    [InlineData("user.note", "anything\nat all")]
    [InlineData("environment.HTTP_PROXY", "http://192.0.2.1:3128")]
    public void AcceptsImplementedKeys(string key, string value) => Assert.Null(InstanceConfigKeys.Validate(key, value, inProfile: true));

    [Theory]
    [InlineData("security.privileged", "yes", "security.privileged")]
    [InlineData("security.idmap.size", "-1", "security.idmap.size")]
    [InlineData("security.idmap.size", "0", "security.idmap.size")]
    [InlineData("limits.cpu", "2", "limits.cpu")]
    [InlineData("raw.lxc", "lxc.cap.drop=", "raw.lxc")]
    [InlineData("volatile.eth0.hwaddr", "00:16:3e:00:00:01", "volatile")]
    [InlineData("user.", "x", "empty name")]
    [InlineData("user.x", "a\u0000b", "control characters")]
    public void RefusesOthersNamingTheKey(string key, string value, string expected) =>
        Assert.Contains(expected, InstanceConfigKeys.Validate(key, value, inProfile: true));

    [Fact]
    public void RefusesPrivilegedWithIsolatedIdmap() =>
        Assert.Contains("cannot both", InstanceConfigKeys.ValidateAll(
            new Dictionary<string, string> { ["security.privileged"] = "true", ["security.idmap.isolated"] = "true" }, inProfile: false));

    [Fact]
    public void AcceptsOneRootDiskOnAnExistingPool()
    {
        var devices = new Dictionary<string, Dictionary<string, string>> { ["root"] = new() { ["type"] = "disk", ["path"] = "/", ["pool"] = "default" } };
        Assert.Null(DeviceRules.ValidateAll(devices, pool => pool == "default", NoNics));
        Assert.Contains("doesn't exist", DeviceRules.ValidateAll(devices, _ => false, NoNics));
    }

    [Theory]
    [InlineData("disk", "path=/data,source=/srv", "root disk")]
    [InlineData("disk", "path=/,pool=default,size=1GiB", "size")]
    [InlineData("disk", "path=/", "needs a pool")]
    [InlineData("nic", "network=incusbr0", "Device \"d\": no such network")]
    [InlineData("gpu", "", "unknown device type")]
    [InlineData("", "path=/,pool=default", "missing type")]
    public void RefusesUnsupportedDevices(string type, string keys, string expected)
    {
        var device = keys.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(k => k.Split('=')).ToDictionary(k => k[0], k => k[1]);
        if (type.Length > 0)
        {
            device["type"] = type;
        }
        Assert.Contains(expected, DeviceRules.ValidateAll(new Dictionary<string, Dictionary<string, string>> { ["d"] = device }, _ => true, NoNics));
    }

    [Fact]
    public void RefusesTwoRootDisks()
    {
        var root = new Dictionary<string, string> { ["type"] = "disk", ["path"] = "/", ["pool"] = "default" };
        Assert.Contains("More than one root", DeviceRules.ValidateAll(
            new Dictionary<string, Dictionary<string, string>> { ["a"] = root, ["b"] = new(root) }, _ => true, NoNics));
    }

    /// <summary>The NIC check as a daemon without networks answers it: every NIC names a missing network.</summary>
    private static string? NoNics(IReadOnlyDictionary<string, string> device) => "no such network";
}
