namespace Incus.Helpers;

/// <summary>
/// Read side of a helper connection. Messages are newline-delimited JSON; a message longer than the
/// limit ends the connection instead of growing a buffer without bound.
/// </summary>
public sealed class MessageSizeLimitStream(Stream inner, int maxMessageBytes) : Stream
{
    private int _sinceNewline;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => inner.CanWrite;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Count(buffer.AsSpan(offset, inner.Read(buffer, offset, count)));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        return Count(buffer.Span[..read]);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private int Count(ReadOnlySpan<byte> data)
    {
        var rest = data;
        while (true)
        {
            int newline = rest.IndexOf((byte)'\n');
            if (newline < 0)
            {
                _sinceNewline += rest.Length;
                break;
            }
            if (_sinceNewline + newline > maxMessageBytes)
            {
                throw new IOException($"request larger than {maxMessageBytes} bytes");
            }
            _sinceNewline = 0;
            rest = rest[(newline + 1)..];
        }
        if (_sinceNewline > maxMessageBytes)
        {
            throw new IOException($"request larger than {maxMessageBytes} bytes");
        }
        return data.Length;
    }

    public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => inner.WriteAsync(buffer, cancellationToken);
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.WriteAsync(buffer, offset, count, cancellationToken);
    public override void Flush() => inner.Flush();
    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }
        base.Dispose(disposing);
    }
}
