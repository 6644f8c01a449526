using System.Net.Sockets;
using Incus.HelperProtocol;
using Incus.Sdk.Helpers;
using StreamJsonRpc;
using StreamJsonRpc.Protocol;

namespace Incus.Tests.Integration;

/// <summary>
/// The staged helpers are NativeAOT executables, and the parts of StreamJsonRpc that depend on generated
/// metadata (error details, the connection surviving an error) work in them.
/// </summary>
public sealed class NativeHelperTests
{
    [Theory]
    [InlineData("host")]
    [InlineData("net")]
    [InlineData("instance")]
    [InlineData("lxc")]
    public void EachStagedHelperIsANativeExecutable(string name)
    {
        string executable = Stage.Helper(name);
        byte[] header = new byte[4];
        using (var file = File.OpenRead(executable))
        {
            file.ReadExactly(header);
        }
        Assert.Equal("\u007fELF"u8.ToArray(), header);
        // A framework-dependent publish would have put the managed program and its runtime config beside the launcher.
        string directory = Path.GetDirectoryName(executable)!;
        Assert.False(File.Exists(Path.Combine(directory, $"incus-helper-{name}.dll")), $"a managed incus-helper-{name}.dll is staged");
        Assert.False(File.Exists(Path.Combine(directory, $"incus-helper-{name}.runtimeconfig.json")), $"incus-helper-{name} is framework-dependent");
        Assert.Empty(Directory.GetFiles(directory, "*.dll"));
    }

    [Fact]
    public async Task AHelperExceptionReachesTheClientWithItsTypeAndTheConnectionStaysUp()
    {
        await using var helper = await StandaloneHelper.StartAsync("net");
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(helper.SocketPath));
        var stream = new NetworkStream(socket, ownsSocket: true);
        // With the core's own formatter (HelperConnection), so the error details arrive in the form it reads them.
        using var rpc = new JsonRpc(new NewLineDelimitedMessageHandler(stream, stream, HelperWireFormat.CreateFormatter()));
        var net = rpc.Attach<INetHelper>();
        rpc.StartListening();

        var refused = await Assert.ThrowsAsync<RemoteInvocationException>(() => net.DeleteLinkAsync(new LinkName { Name = "lo" }));
        var data = Assert.IsType<CommonErrorData>(refused.DeserializedErrorData);
        Assert.Equal("Incus.Helpers.HelperRequestException", data.TypeName);
        Assert.Contains("not created by this daemon", refused.Message);

        // The same connection answers the next call: the error did not end it.
        Assert.False(rpc.Completion.IsCompleted);
        Assert.Empty(await net.ListOwnedLinksAsync());
        Assert.False(rpc.Completion.IsCompleted);
        Assert.False(helper.Process.HasExited);
    }
}
