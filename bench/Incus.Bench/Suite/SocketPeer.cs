using System.Net.Sockets;

namespace Incus.Bench.Suite;

/// <summary>Finds the process that serves a Unix socket, by SO_PEERCRED on a fresh connection.</summary>
public static class SocketPeer
{
    private const int SolSocket = 1;
    private const int SoPeerCred = 17;

    public static int ProcessId(string socketPath)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Connect(new UnixDomainSocketEndPoint(socketPath));
        // struct ucred { pid_t pid; uid_t uid; gid_t gid; }
        Span<byte> credentials = stackalloc byte[12];
        socket.GetRawSocketOption(SolSocket, SoPeerCred, credentials);
        return BitConverter.ToInt32(credentials[..4]);
    }
}
