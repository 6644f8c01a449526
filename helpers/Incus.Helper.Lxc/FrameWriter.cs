namespace Incus.Helpers.Lxc;

/// <summary>Writes whole frames to the core, one at a time, from the output pumps of one exec session.</summary>
internal sealed class FrameWriter(Stream stream) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>For the terminal pump, which runs on its own thread with blocking reads.</summary>
    public void Send(byte type, ReadOnlySpan<byte> data)
    {
        _gate.Wait();
        try
        {
            stream.Write(ExecFrames.Header(type, data.Length));
            stream.Write(data);
            stream.Flush();
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task SendAsync(byte type, ReadOnlyMemory<byte> data)
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            await stream.WriteAsync(ExecFrames.Header(type, data.Length)).ConfigureAwait(false);
            await stream.WriteAsync(data).ConfigureAwait(false);
            await stream.FlushAsync().ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();
}
