using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

namespace Incus.Helpers.Net;

/// <summary>
/// Asks the link whether an address is taken: an ARP probe (RFC 5227, sender address 0.0.0.0) for
/// IPv4, a neighbour solicitation to the solicited-node group for IPv6, then waits a short while for
/// an answer. No external tool and no shell; raw sockets need CAP_NET_RAW, which this helper has.
/// </summary>
public static partial class NeighborProber
{
    public static readonly TimeSpan Wait = TimeSpan.FromMilliseconds(100);

    private const int AfPacket = 17;
    private const int SockDgram = 2;
    private const int SockCloexec = 0x80000;
    private const ushort EthPArp = 0x0806;
    private const short PollIn = 1;

    /// <summary>True when a node on <paramref name="link"/> answers for <paramref name="address"/>.</summary>
    public static async Task<bool> InUseAsync(string link, IPAddress address, CancellationToken cancellationToken)
    {
        int index = int.Parse(File.ReadAllText($"/sys/class/net/{link}/ifindex").Trim(), System.Globalization.CultureInfo.InvariantCulture);
        byte[] mac = PhysicalAddress.Parse(File.ReadAllText($"/sys/class/net/{link}/address").Trim().Replace(':', '-')).GetAddressBytes();
        return address.AddressFamily == AddressFamily.InterNetwork
            ? await Task.Run(() => ArpProbe(index, mac, address), cancellationToken).ConfigureAwait(false)
            : await NdpProbeAsync(link, index, mac, address, cancellationToken).ConfigureAwait(false);
    }

    private static bool ArpProbe(int index, byte[] mac, IPAddress target)
    {
        int fd = socket(AfPacket, SockDgram | SockCloexec, BinaryPrimitives.ReverseEndianness(EthPArp));
        if (fd < 0)
        {
            throw new InvalidOperationException($"socket(AF_PACKET) failed: errno {Marshal.GetLastPInvokeError()}");
        }
        try
        {
            byte[] bindAddress = LinkLayerAddress(index, []);
            if (bind(fd, ref bindAddress[0], bindAddress.Length) != 0)
            {
                throw new InvalidOperationException($"bind(AF_PACKET) failed: errno {Marshal.GetLastPInvokeError()}");
            }
            byte[] request = new byte[28];
            BinaryPrimitives.WriteUInt16BigEndian(request.AsSpan(0), 1); // Ethernet
            BinaryPrimitives.WriteUInt16BigEndian(request.AsSpan(2), 0x0800); // IPv4
            request[4] = 6;
            request[5] = 4;
            BinaryPrimitives.WriteUInt16BigEndian(request.AsSpan(6), 1); // request
            mac.CopyTo(request, 8);
            // Sender address 0.0.0.0 (a probe) so no neighbour learns a mapping from it; target MAC zero.
            target.GetAddressBytes().CopyTo(request, 24);
            byte[] broadcast = LinkLayerAddress(index, [0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
            if (sendto(fd, ref request[0], (nuint)request.Length, 0, ref broadcast[0], broadcast.Length) < 0)
            {
                throw new InvalidOperationException($"sending the ARP probe failed: errno {Marshal.GetLastPInvokeError()}");
            }
            byte[] targetBytes = target.GetAddressBytes();
            byte[] reply = new byte[128];
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < Wait)
            {
                var poll = new PollFd { Fd = fd, Events = PollIn };
                int ready = NeighborProber.poll(ref poll, 1, Math.Max(1, (int)(Wait - clock.Elapsed).TotalMilliseconds));
                if (ready <= 0)
                {
                    continue;
                }
                nint length = recv(fd, ref reply[0], (nuint)reply.Length, 0);
                // A reply (operation 2) whose sender protocol address is the probed one.
                if (length >= 28 && BinaryPrimitives.ReadUInt16BigEndian(reply.AsSpan(6)) == 2 && reply.AsSpan(14, 4).SequenceEqual(targetBytes))
                {
                    return true;
                }
            }
            return false;
        }
        finally
        {
            close(fd);
        }
    }

    private static async Task<bool> NdpProbeAsync(string link, int index, byte[] mac, IPAddress target, CancellationToken cancellationToken)
    {
        using var socket = new Socket(AddressFamily.InterNetworkV6, SocketType.Raw, ProtocolType.IcmpV6);
        socket.SetRawSocketOption(1 /* SOL_SOCKET */, 25 /* SO_BINDTODEVICE */, Encoding.ASCII.GetBytes(link + "\0"));
        socket.SetSocketOption(SocketOptionLevel.IPv6, SocketOptionName.MulticastInterface, index);
        // Neighbour discovery is valid only with a hop limit of 255.
        socket.SetSocketOption(SocketOptionLevel.IPv6, SocketOptionName.MulticastTimeToLive, 255);
        socket.SetSocketOption(SocketOptionLevel.IPv6, SocketOptionName.IpTimeToLive, 255);
        byte[] targetBytes = target.GetAddressBytes();
        byte[] solicitation = new byte[32];
        solicitation[0] = 135; // neighbour solicitation; the kernel fills in the checksum
        targetBytes.CopyTo(solicitation, 8);
        solicitation[24] = 1; // source link-layer address option, 8 bytes long
        solicitation[25] = 1;
        mac.CopyTo(solicitation, 26);
        byte[] group = IPAddress.Parse("ff02::1:ff00:0").GetAddressBytes();
        group[13] = targetBytes[13];
        group[14] = targetBytes[14];
        group[15] = targetBytes[15];
        await socket.SendToAsync(solicitation, SocketFlags.None, new IPEndPoint(new IPAddress(group, index), 0), cancellationToken).ConfigureAwait(false);
        byte[] answer = new byte[1500];
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < Wait)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(Wait - clock.Elapsed);
            int length;
            try
            {
                length = await socket.ReceiveAsync(answer, SocketFlags.None, timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return false;
            }
            // A neighbour advertisement (136) for the probed target.
            if (length >= 24 && answer[0] == 136 && answer.AsSpan(8, 16).SequenceEqual(targetBytes))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>A <c>struct sockaddr_ll</c> for ARP on interface <paramref name="index"/>.</summary>
    private static byte[] LinkLayerAddress(int index, byte[] hardwareAddress)
    {
        byte[] address = new byte[20];
        BinaryPrimitives.WriteUInt16LittleEndian(address.AsSpan(0), AfPacket);
        BinaryPrimitives.WriteUInt16BigEndian(address.AsSpan(2), EthPArp);
        BinaryPrimitives.WriteInt32LittleEndian(address.AsSpan(4), index);
        address[11] = (byte)hardwareAddress.Length;
        hardwareAddress.CopyTo(address, 12);
        return address;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int socket(int domain, int type, int protocol);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int bind(int fd, ref byte address, int length);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint sendto(int fd, ref byte buffer, nuint length, int flags, ref byte address, int addressLength);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint recv(int fd, ref byte buffer, nuint length, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int poll(ref PollFd fds, nuint count, int timeoutMilliseconds);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int close(int fd);
}
