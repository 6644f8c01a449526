using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Incus.Platform;

namespace Incus.Helpers.Lxc;

/// <summary>
/// Runs one command in a container through lxc-attach and carries its stdio over a one-use Unix
/// socket that only the requesting process (same uid and pid) may connect to within 30 seconds.
/// </summary>
public static class ExecRelay
{
    public const byte Stdin = 0, Stdout = 1, Stderr = 2, Exit = 3, StdinClosed = 4;
    private const int MaxFrame = 1024 * 1024;

    public static string Start(string runDirectory, PeerCredentials caller, IReadOnlyList<string> lxcAttachArguments, Action<string> log)
    {
        string name = $"exec-{Guid.NewGuid():N}.socket";
        string path = Path.Combine(runDirectory, name);
        var listener = UnixListener.Create(path, UnixFileMode.UserRead | UnixFileMode.UserWrite, caller.Uid, caller.Gid, backlog: 1);
        _ = Task.Run(async () =>
        {
            try
            {
                await RunAsync(listener, path, caller, lxcAttachArguments).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or InvalidOperationException)
            {
                log($"exec session {name} ended early: {ex.Message}");
            }
            finally
            {
                listener.Dispose();
                File.Delete(path);
            }
        });
        return name;
    }

    private static async Task RunAsync(Socket listener, string path, PeerCredentials caller, IReadOnlyList<string> arguments)
    {
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var connection = await listener.AcceptAsync(wait.Token).ConfigureAwait(false);
        listener.Dispose();
        File.Delete(path);
        var peer = SocketPeer.Read(connection);
        if (peer.Pid != caller.Pid || peer.Uid != caller.Uid)
        {
            throw new InvalidOperationException($"exec socket picked up by {peer}, not by the requester {caller}");
        }

        var start = FixedCommand.StartInfo("/usr/bin/lxc-attach", arguments);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start lxc-attach");

        await using var stream = new NetworkStream(connection, ownsSocket: false);
        using var writeGate = new SemaphoreSlim(1, 1);
        var stdout = PumpAsync(process.StandardOutput.BaseStream, Stdout, stream, writeGate);
        var stderr = PumpAsync(process.StandardError.BaseStream, Stderr, stream, writeGate);
        var input = ReadInputAsync(stream, process.StandardInput.BaseStream);

        await process.WaitForExitAsync().ConfigureAwait(false);
        await Task.WhenAll(stdout, stderr).ConfigureAwait(false);
        await SendAsync(stream, writeGate, Exit, Encoding.ASCII.GetBytes(process.ExitCode.ToString(CultureInfo.InvariantCulture))).ConfigureAwait(false);
        connection.Shutdown(SocketShutdown.Both);
        try
        {
            await input.ConfigureAwait(false);
        }
        catch (IOException)
        {
            // The caller stopped sending once the command had ended.
        }
    }

    private static async Task PumpAsync(Stream from, byte type, Stream to, SemaphoreSlim gate)
    {
        byte[] buffer = new byte[32 * 1024];
        int read;
        while ((read = await from.ReadAsync(buffer).ConfigureAwait(false)) > 0)
        {
            await SendAsync(to, gate, type, buffer.AsMemory(0, read)).ConfigureAwait(false);
        }
    }

    private static async Task ReadInputAsync(Stream from, Stream stdin)
    {
        byte[] header = new byte[5];
        while (true)
        {
            if (!await ReadExactlyOrEndAsync(from, header).ConfigureAwait(false))
            {
                break;
            }
            int length = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(1));
            if (length is < 0 or > MaxFrame)
            {
                throw new IOException($"exec frame of {length} bytes");
            }
            byte[] data = new byte[length];
            await from.ReadExactlyAsync(data).ConfigureAwait(false);
            if (header[0] == Stdin)
            {
                await stdin.WriteAsync(data).ConfigureAwait(false);
                await stdin.FlushAsync().ConfigureAwait(false);
            }
            else if (header[0] == StdinClosed)
            {
                break;
            }
        }
        stdin.Close();
    }

    private static async Task<bool> ReadExactlyOrEndAsync(Stream from, byte[] buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int read = await from.ReadAsync(buffer.AsMemory(total)).ConfigureAwait(false);
            if (read == 0)
            {
                return false;
            }
            total += read;
        }
        return true;
    }

    public static async Task SendAsync(Stream to, SemaphoreSlim gate, byte type, ReadOnlyMemory<byte> data)
    {
        byte[] header = new byte[5];
        header[0] = type;
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(1), data.Length);
        await gate.WaitAsync().ConfigureAwait(false);
        try
        {
            await to.WriteAsync(header).ConfigureAwait(false);
            await to.WriteAsync(data).ConfigureAwait(false);
            await to.FlushAsync().ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }
}
