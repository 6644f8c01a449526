using System.ComponentModel;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Incus.Bench;

/// <summary>
/// TCP sockets in another network namespace. The suite's throwaway daemon listens on 127.0.0.1 inside its
/// own namespace, where the benchmark process is not. A socket belongs to the namespace of the thread that
/// created it, so a short-lived thread joins the namespace, creates the socket and ends; the socket then
/// connects and runs from any thread, and the process itself never leaves its namespace.
/// </summary>
public static class NamespacedSocket
{
    private const int CloneNewNet = 0x40000000;

    /// <summary>A TCP socket in the named namespace (as <c>ip netns</c> names it), or in ours when null.</summary>
    public static Socket CreateTcp(string? networkNamespace)
    {
        if (networkNamespace is null)
        {
            return new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        }

        Socket? created = null;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                using var handle = File.OpenHandle(Path.Combine("/run/netns", networkNamespace), FileMode.Open, FileAccess.Read);
                if (SetNamespace((int)handle.DangerousGetHandle(), CloneNewNet) != 0)
                {
                    throw new Win32Exception(Marshal.GetLastPInvokeError(), $"setns into network namespace {networkNamespace}");
                }

                // This thread now lives in the other namespace and ends right after, so it is not switched back.
                created = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or Win32Exception or SocketException)
            {
                failure = ex;
            }
        });
        thread.Start();
        thread.Join();
        return created ?? throw new IOException($"no socket in network namespace {networkNamespace}: {failure?.Message}", failure);
    }

    [DllImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static extern int SetNamespace(int fd, int namespaceType);
}
