using Incus.Platform;

namespace Incus.Tests.Unit;

public sealed class CapabilityTests
{
    [Fact]
    public void FormatsLikeProcStatus()
    {
        var set = CapabilitySet.Of(LinuxCapability.NetAdmin);
        Assert.Equal("0000000000001000", set.ToStatusHex());
        Assert.Equal(set, CapabilitySet.ParseStatusHex("0000000000001000"));
        Assert.Equal("cap_net_admin", set.ToString());
        Assert.Equal("none", CapabilitySet.Empty.ToString());
    }

    [Fact]
    public void ParsesProcStatus()
    {
        var status = ProcessStatus.Parse(
        [
            "Name:\tincus-core", "PPid:\t42", "Uid:\t999\t999\t999\t999",
            "CapPrm:\t0000000000000000", "CapEff:\t0000000000000000", "CapBnd:\t0000000000003000",
        ]);
        Assert.Equal(999u, status.RealUid);
        Assert.Equal(42, status.ParentPid);
        Assert.Equal(CapabilitySet.Empty, status.Effective);
        Assert.True(status.Bounding.Contains(LinuxCapability.NetRaw));
    }
}
