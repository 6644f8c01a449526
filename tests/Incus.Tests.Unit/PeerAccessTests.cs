using Incus.Daemon.Api;
using Incus.Platform;

namespace Incus.Tests.Unit;

public sealed class PeerAccessTests
{
    private const uint AdminGroup = 4242;

    [Fact]
    public void RootIsAllowed() =>
        Assert.True(PeerAccess.Decide(new PeerCredentials(1, 0, 0, []), AdminGroup, "incus-admin").Allowed);

    [Fact]
    public void SupplementaryGroupMemberIsAllowed() =>
        Assert.True(PeerAccess.Decide(new PeerCredentials(1, 5000, 5000, [100, AdminGroup]), AdminGroup, "incus-admin").Allowed);

    [Fact]
    public void PrimaryGroupMemberIsAllowed() =>
        Assert.True(PeerAccess.Decide(new PeerCredentials(1, 5000, AdminGroup, []), AdminGroup, "incus-admin").Allowed);

    [Fact]
    public void OthersAreToldWhatToDo()
    {
        var access = PeerAccess.Decide(new PeerCredentials(1, 5000, 5000, [100]), AdminGroup, "incus-admin");
        Assert.False(access.Allowed);
        Assert.StartsWith("not authorized", access.Refusal);
        Assert.Contains("add your user to the incus-admin group", access.Refusal);
    }
}
