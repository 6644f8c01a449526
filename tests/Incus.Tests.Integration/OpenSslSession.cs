using System.Diagnostics;
using System.Text;

namespace Incus.Tests.Integration;

/// <summary>
/// One raw TLS connection from <c>openssl s_client</c> inside a daemon's namespace, with a client
/// certificate: the test writes HTTP bytes itself, so it controls exactly which requests share the
/// connection and sees when the server closes it.
/// </summary>
public sealed class OpenSslSession : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _received = new();
    private readonly char[] _buffer = new char[4096];

    private OpenSslSession(Process process) => _process = process;

    public static OpenSslSession Start(string networkNamespace, string address, NamespaceTls.ClientCertificate client)
    {
        var start = new ProcessStartInfo("/bin/ip")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in new[] { "netns", "exec", networkNamespace, "/usr/bin/openssl", "s_client", "-quiet", "-connect", address,
                     "-cert", client.CertificatePath, "-key", client.KeyPath })
        {
            start.ArgumentList.Add(argument);
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException("openssl s_client did not start");
        // Unread stderr could fill its pipe and stall openssl; it is only diagnostics here.
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        return new OpenSslSession(process);
    }

    /// <summary>Everything the server sent so far, decoded as UTF-8 (websocket frame headers show as noise).</summary>
    public string Received => _received.ToString();

    public bool HasExited => _process.HasExited;

    public async Task WriteAsync(string text)
    {
        await _process.StandardInput.WriteAsync(text);
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>Reads until what was received contains <paramref name="text"/>; fails if the connection ends first.</summary>
    public async Task WaitForAsync(string text, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        while (!Received.Contains(text, StringComparison.Ordinal))
        {
            int read = await ReadAsync(cancel.Token);
            if (read == 0)
            {
                throw new InvalidOperationException($"the server closed the connection before sending \"{text}\"; received:\n{Received}");
            }
            _received.Append(_buffer, 0, read);
        }
    }

    /// <summary>Reads until the server ends the connection (openssl's output ends); false if it is still open after <paramref name="timeout"/>.</summary>
    public async Task<bool> ClosesWithinAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            while (true)
            {
                int read = await ReadAsync(cancel.Token);
                if (read == 0)
                {
                    return true;
                }
                _received.Append(_buffer, 0, read);
            }
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            // Still open when the time ran out: the answer is false, and the caller asserts on it.
            return false;
        }
    }

    // A pipe read may ignore its token, so the wait for it is what gives up; a read left pending
    // ends when the process is killed in DisposeAsync.
    private Task<int> ReadAsync(CancellationToken cancel) => _process.StandardOutput.ReadAsync(_buffer, 0, _buffer.Length).WaitAsync(cancel);

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
