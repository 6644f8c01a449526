using Incus.Bench.Suite;

namespace Incus.Tests.Unit;

/// <summary>How the bench suite turns a daemon's <c>core.https_address</c> into an address it can connect to.</summary>
public sealed class BenchTlsTargetTests
{
    [Theory]
    [InlineData("127.0.0.1:8443", "127.0.0.1", 8443)]
    [InlineData("192.0.2.5:9443", "192.0.2.5", 9443)]
    [InlineData("192.0.2.5", "192.0.2.5", 8443)]
    [InlineData(":8444", "127.0.0.1", 8444)]
    [InlineData("0.0.0.0:8443", "127.0.0.1", 8443)]
    [InlineData("[::]:8445", "::1", 8445)]
    [InlineData("[2001:db8::1]:8446", "2001:db8::1", 8446)]
    [InlineData("2001:db8::1", "2001:db8::1", 8443)]
    [InlineData("[2001:db8::1]", "2001:db8::1", 8443)]
    public void ListenAddressesBecomeLoopbackForWildcards(string configured, string host, int port)
    {
        var endpoint = TlsTargets.LoopbackEndpoint(configured, null);
        Assert.Equal(host, endpoint.Host);
        Assert.Equal(port, endpoint.Port);
    }
}
