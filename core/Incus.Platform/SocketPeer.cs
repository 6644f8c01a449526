using System.Buffers.Binary;
using System.Net.Sockets;

namespace Incus.Platform;

/// <summary>Reads peer credentials from a connected Unix socket.</summary>
public static class SocketPeer
{
    private const int SolSocket = 1;
    private const int SoPeerCred = 17;
    private const int SoPeerGroups = 59;
    private const int MaxGroups = 1024;

    public static PeerCredentials Read(Socket socket)
    {
        Span<byte> cred = stackalloc byte[12];
        int length = socket.GetRawSocketOption(SolSocket, SoPeerCred, cred);
        if (length != 12)
        {
            throw new InvalidOperationException($"SO_PEERCRED returned {length} bytes");
        }
        int pid = BinaryPrimitives.ReadInt32LittleEndian(cred);
        uint uid = BinaryPrimitives.ReadUInt32LittleEndian(cred[4..]);
        uint gid = BinaryPrimitives.ReadUInt32LittleEndian(cred[8..]);
        return new PeerCredentials(pid, uid, gid, ReadGroups(socket));
    }

    private static uint[] ReadGroups(Socket socket)
    {
        byte[] buffer = new byte[MaxGroups * 4];
        int length = socket.GetRawSocketOption(SolSocket, SoPeerGroups, buffer);
        var groups = new uint[length / 4];
        for (int i = 0; i < groups.Length; i++)
        {
            groups[i] = BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(i * 4));
        }
        return groups;
    }
}
