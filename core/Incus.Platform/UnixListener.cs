using System.Net.Sockets;

namespace Incus.Platform;

/// <summary>
/// Creates a listening Unix socket whose mode and owner are final before listen(2), so no client can
/// connect while the file still has the process's default permissions.
/// </summary>
public static class UnixListener
{
    public static Socket Create(string path, UnixFileMode mode, uint uid, uint gid, int backlog = 512)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Bind(new UnixDomainSocketEndPoint(path));
            File.SetUnixFileMode(path, mode);
            FileOwnership.Chown(path, uid, gid);
            socket.Listen(backlog);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>True when something accepts connections on <paramref name="path"/>.</summary>
    public static bool IsServed(string path)
    {
        if (!File.Exists(path))
        {
            return false;
        }
        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            probe.Connect(new UnixDomainSocketEndPoint(path));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
