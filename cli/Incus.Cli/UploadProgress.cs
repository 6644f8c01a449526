namespace Incus.Cli;

/// <summary>
/// A read-through stream that prints upload progress on stderr, as "Transferring image: 42% (3.1MB/s)",
/// at most every 200 ms.
/// </summary>
public sealed class UploadProgress(Stream inner, long total, string label) : Stream
{
    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();
    private long _sent;
    private long _lastPrintMs = -1000;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => total;
    public override long Position { get => _sent; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Count(await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private int Count(int read)
    {
        _sent += read;
        long now = _clock.ElapsedMilliseconds;
        if (now - _lastPrintMs >= 200 || (read == 0 && _sent == total))
        {
            _lastPrintMs = now;
            double seconds = Math.Max(now / 1000.0, 0.001);
            int percent = total == 0 ? 100 : (int)(_sent * 100 / total);
            Console.Error.Write($"\r{label}: {percent}% ({_sent / seconds / 1_000_000:0.0}MB/s)   ");
        }
        return read;
    }

    /// <summary>Ends the progress line.</summary>
    public void Finish() => Console.Error.Write("\r" + new string(' ', label.Length + 24) + "\r");

    public override void Flush() => inner.Flush();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }
        base.Dispose(disposing);
    }
}
