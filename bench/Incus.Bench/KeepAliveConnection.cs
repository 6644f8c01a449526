using System.Net.Security;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Security.Authentication;
using System.Text;

namespace Incus.Bench;

/// <summary>
/// One persistent HTTP/1.1 connection to a Unix socket, or over TLS to a TCP endpoint, used by one task at a time. It exists instead of
/// HttpClient so the load generator stays far cheaper than the server under test on a small machine: the
/// request bytes are built once, the receive buffer is reused, bodies are skipped without being copied and
/// the async methods use pooled state machines.
/// </summary>
public sealed class KeepAliveConnection : IDisposable
{
    // Large enough for any response head we expect; a head or chunk line that does not fit is reported
    // rather than grown into, because it means the peer is not the API we meant to measure.
    private const int ReceiveBufferSize = 64 * 1024;

    // About two seconds of retrying before a full backlog is reported as a failure.
    private const int MaxConnectAttempts = 200;
    private static readonly TimeSpan ConnectRetryDelay = TimeSpan.FromMilliseconds(10);

    private readonly BenchTarget _target;
    private readonly byte[] _request;
    private readonly byte[] _buffer = new byte[ReceiveBufferSize];
    private int _unreadStart;
    private int _unreadEnd;
    private Socket? _socket;
    private Stream? _stream;
    private int _responsesOnSocket;

    public KeepAliveConnection(BenchTarget target, string requestPath)
    {
        _target = target;
        _request = Encoding.ASCII.GetBytes(
            $"GET {requestPath} HTTP/1.1\r\nHost: unix.socket\r\nUser-Agent: incus-bench\r\n\r\n");
    }

    /// <summary>How many times a socket was opened; more than once means the server closed connections.</summary>
    public int ConnectCount { get; private set; }

    public async Task ConnectAsync(CancellationToken cancellationToken)
    {
        CloseSocket();
        for (int attempt = 1; ; attempt++)
        {
            var socket = _target.Tls is null
                ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
                : NamespacedSocket.CreateTcp(_target.Tls.NetworkNamespace);
            try
            {
                if (_target.Tls is not { } tls)
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(_target.SocketPath), cancellationToken);
                    _stream = new NetworkStream(socket, ownsSocket: false);
                }
                else
                {
                    await socket.ConnectAsync(tls.Host, tls.Port, cancellationToken);
                    var ssl = new SslStream(new NetworkStream(socket, ownsSocket: false));
                    await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
                    {
                        TargetHost = tls.Host,
                        EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                        ClientCertificates = tls.ClientCertificate is null ? null : [tls.ClientCertificate],
                        // The figure measured is throughput; which server answers is the user's choice of address.
                        RemoteCertificateValidationCallback = (_, _, _, _) => true,
                    }, cancellationToken);
                    _stream = ssl;
                }
                _socket = socket;
                ConnectCount++;
                return;
            }
            catch (SocketException ex) when (attempt < MaxConnectAttempts && IsListenBacklogFull(ex))
            {
                // Unlike TCP, a Unix socket does not queue the connect when the listener's backlog is full:
                // it fails at once with EAGAIN. That is the server being briefly behind on accept (16
                // connections opened at once, or reconnects after Connection: close), so wait and try again.
                socket.Dispose();
                await Task.Delay(ConnectRetryDelay, cancellationToken);
            }
            catch (Exception)
            {
                socket.Dispose();
                throw;
            }
        }
    }

    /// <summary>
    /// Sends the GET and reads the complete response. Opens a connection first when there is none (at the
    /// start, or because the previous response said Connection: close), so that cost lands in this request's
    /// latency, as it would for a real client.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<ResponseSummary> GetAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_socket is null)
            {
                await ConnectAsync(cancellationToken);
            }

            bool isReusedConnection = _responsesOnSocket > 0;
            try
            {
                await SendRequestAsync(cancellationToken);
                ResponseSummary response = await ReadResponseAsync(cancellationToken);
                _responsesOnSocket++;
                if (!response.KeepAlive)
                {
                    CloseSocket();
                }

                return response;
            }
            catch (Exception ex) when (isReusedConnection && IsDroppedIdleConnection(ex))
            {
                // The server may close an idle keep-alive connection at any time (e.g. between warm-up and the
                // timed run). GET is idempotent, so like any HTTP client we retry once on a fresh connection;
                // a fresh connection failing the same way is not retried and propagates.
                CloseSocket();
            }
        }
    }

    public void Dispose() => CloseSocket();

    private static bool IsListenBacklogFull(SocketException ex) =>
        ex.SocketErrorCode is SocketError.WouldBlock or SocketError.TryAgain;

    private static bool IsDroppedIdleConnection(Exception ex) => ex switch
    {
        ConnectionClosedException closed => closed.BeforeFirstByte,
        SocketException socketError => socketError.SocketErrorCode is SocketError.ConnectionReset
            or SocketError.ConnectionAborted or SocketError.Shutdown,
        IOException { InnerException: SocketException inner } => IsDroppedIdleConnection(inner),
        _ => false,
    };

    private void CloseSocket()
    {
        _stream?.Dispose();
        _stream = null;
        _socket?.Dispose();
        _socket = null;
        _responsesOnSocket = 0;
        _unreadStart = 0;
        _unreadEnd = 0;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask SendRequestAsync(CancellationToken cancellationToken)
    {
        Stream stream = _stream ?? throw new InvalidOperationException("not connected");
        await stream.WriteAsync(_request, cancellationToken);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<ResponseSummary> ReadResponseAsync(CancellationToken cancellationToken)
    {
        int headEnd;
        while ((headEnd = FindHeadEnd()) < 0)
        {
            if (!await ReceiveMoreAsync(cancellationToken))
            {
                bool nothingReceived = _unreadStart == _unreadEnd;
                throw new ConnectionClosedException(nothingReceived,
                    nothingReceived ? "server closed the connection without answering" : "server closed the connection inside the response head");
            }
        }

        ResponseHead head = ResponseHead.Parse(_buffer.AsSpan(_unreadStart, headEnd - _unreadStart));
        _unreadStart = headEnd;

        long bodyBytes = head.Framing switch
        {
            BodyFraming.None => 0,
            BodyFraming.ContentLength => await SkipBytesAsync(head.ContentLength, cancellationToken),
            BodyFraming.Chunked => await SkipChunkedBodyAsync(cancellationToken),
            BodyFraming.UntilClose => await SkipUntilCloseAsync(cancellationToken),
            _ => throw new InvalidOperationException($"unhandled framing {head.Framing}"),
        };

        return new ResponseSummary(head.StatusCode, head.Framing, bodyBytes, head.KeepAlive);
    }

    /// <summary>Index just past the blank line ending the head, or -1 when it has not fully arrived yet.</summary>
    private int FindHeadEnd()
    {
        int index = _buffer.AsSpan(_unreadStart, _unreadEnd - _unreadStart).IndexOf("\r\n\r\n"u8);
        return index < 0 ? -1 : _unreadStart + index + 4;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<long> SkipBytesAsync(long count, CancellationToken cancellationToken)
    {
        long remaining = count;
        while (remaining > 0)
        {
            if (_unreadStart == _unreadEnd && !await ReceiveMoreAsync(cancellationToken))
            {
                throw new ConnectionClosedException(false, $"server closed the connection with {remaining} body bytes outstanding");
            }

            int take = (int)Math.Min(remaining, _unreadEnd - _unreadStart);
            _unreadStart += take;
            remaining -= take;
        }

        return count;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<long> SkipChunkedBodyAsync(CancellationToken cancellationToken)
    {
        long total = 0;
        while (true)
        {
            int sizeLineEnd = await WaitForLineAsync(cancellationToken);
            long chunkSize = ResponseHead.ParseChunkSize(_buffer.AsSpan(_unreadStart, sizeLineEnd - _unreadStart));
            _unreadStart = sizeLineEnd + 2;
            if (chunkSize == 0)
            {
                break;
            }

            total += await SkipBytesAsync(chunkSize, cancellationToken);
            int dataEnd = await WaitForLineAsync(cancellationToken);
            if (dataEnd != _unreadStart)
            {
                throw new HttpProtocolException("chunk data is not followed by CRLF");
            }

            _unreadStart = dataEnd + 2;
        }

        // Trailer fields, if any, end with an empty line; their content does not matter here.
        while (true)
        {
            int trailerLineEnd = await WaitForLineAsync(cancellationToken);
            bool isEmptyLine = trailerLineEnd == _unreadStart;
            _unreadStart = trailerLineEnd + 2;
            if (isEmptyLine)
            {
                return total;
            }
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<long> SkipUntilCloseAsync(CancellationToken cancellationToken)
    {
        long total = _unreadEnd - _unreadStart;
        _unreadStart = _unreadEnd;
        while (await ReceiveMoreAsync(cancellationToken))
        {
            total += _unreadEnd - _unreadStart;
            _unreadStart = _unreadEnd;
        }

        return total;
    }

    /// <summary>Index of the CR ending the line that starts at the read position; the indices stay valid until the next receive.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<int> WaitForLineAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            int index = _buffer.AsSpan(_unreadStart, _unreadEnd - _unreadStart).IndexOf("\r\n"u8);
            if (index >= 0)
            {
                return _unreadStart + index;
            }

            if (!await ReceiveMoreAsync(cancellationToken))
            {
                throw new ConnectionClosedException(false, "server closed the connection inside a chunked body");
            }
        }
    }

    /// <summary>Appends whatever the socket has to the unread bytes; false at end of stream.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> ReceiveMoreAsync(CancellationToken cancellationToken)
    {
        Stream stream = _stream ?? throw new InvalidOperationException("not connected");
        if (_unreadStart == _unreadEnd)
        {
            _unreadStart = 0;
            _unreadEnd = 0;
        }
        else if (_unreadEnd == _buffer.Length)
        {
            if (_unreadStart == 0)
            {
                throw new HttpProtocolException($"response head or chunk line exceeds {ReceiveBufferSize} bytes");
            }

            // Move the partial line/head to the front so the rest of it fits behind it.
            Buffer.BlockCopy(_buffer, _unreadStart, _buffer, 0, _unreadEnd - _unreadStart);
            _unreadEnd -= _unreadStart;
            _unreadStart = 0;
        }

        int received = await stream.ReadAsync(_buffer.AsMemory(_unreadEnd), cancellationToken);
        _unreadEnd += received;
        return received > 0;
    }
}
