using System.Buffers.Binary;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Incus.Tests.Integration;

/// <summary>
/// The core's end of an LXC helper exec socket, written by hand so tests can send frames the real
/// core never would. Output frames are collected as they arrive; the exit frame completes <see cref="Exit"/>.
/// </summary>
public sealed class ExecRelayClient : IDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<int> _exit = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ExecRelayClient(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: false);
        _ = Task.Run(ReadAsync);
    }

    public Task<int> Exit => _exit.Task;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static async Task<ExecRelayClient> ConnectAsync(string path)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(path));
        return new ExecRelayClient(socket);
    }

    public async Task SendAsync(byte type, byte[] data, int? declaredLength = null)
    {
        byte[] header = new byte[5];
        header[0] = type;
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(1), declaredLength ?? data.Length);
        await _stream.WriteAsync(header);
        await _stream.WriteAsync(data);
    }

    public Task SendWindowSizeAsync(ushort columns, ushort rows)
    {
        byte[] data = new byte[4];
        BinaryPrimitives.WriteUInt16BigEndian(data, columns);
        BinaryPrimitives.WriteUInt16BigEndian(data.AsSpan(2), rows);
        return SendAsync(5, data);
    }

    public Task SendSignalAsync(int signal)
    {
        byte[] data = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(data, signal);
        return SendAsync(6, data);
    }

    public async Task WaitForOutputAsync(string text)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!Output.Contains(text, StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline && !Exit.IsCompleted, $"\"{text}\" did not appear in the output: {Output}");
            await Task.Delay(20);
        }
    }

    private async Task ReadAsync()
    {
        byte[] header = new byte[5];
        try
        {
            while (true)
            {
                await _stream.ReadExactlyAsync(header);
                byte[] data = new byte[BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(1))];
                await _stream.ReadExactlyAsync(data);
                if (header[0] == 3)
                {
                    _exit.TrySetResult(int.Parse(Encoding.ASCII.GetString(data), CultureInfo.InvariantCulture));
                    return;
                }
                lock (_output)
                {
                    _output.Append(Encoding.UTF8.GetString(data));
                }
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            _exit.TrySetException(new IOException($"the exec socket ended without an exit frame; output: {Output}", ex));
        }
    }

    public void Dispose()
    {
        _stream.Dispose();
        _socket.Dispose();
    }
}
