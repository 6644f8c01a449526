using System.Collections.Concurrent;
using System.Diagnostics;

namespace Incus.DriverCheck;

/// <summary>
/// A python3 script that runs in a network namespace and talks in lines: requests on its stdin,
/// answers on its stdout. Every answer has a time limit, so a hung script fails a check instead of
/// hanging the kit; its stderr is kept for the message.
/// </summary>
public sealed class PythonChild : IAsyncDisposable
{
    private const string Python = "/usr/bin/python3";
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _errors = new();

    private PythonChild(Process process)
    {
        _process = process;
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null && _errors.Count < 20)
            {
                _errors.Enqueue(e.Data);
            }
        };
        process.BeginErrorReadLine();
    }

    public string Errors => string.Join(' ', _errors);

    /// <param name="enter">The command prefix that enters the namespace (for example <c>ip netns exec NAME</c>).</param>
    public static PythonChild Start(IReadOnlyList<string> enter, string script, params string[] arguments)
    {
        if (!File.Exists(Python))
        {
            throw new InvalidOperationException($"{Python} is missing; the firewall suite crafts and counts frames with python3 and scapy (Debian: python3-scapy)");
        }
        var start = new ProcessStartInfo(enter[0])
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (string argument in enter.Skip(1).Concat([Python, "-c", script]).Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }
        return new PythonChild(Process.Start(start) ?? throw new InvalidOperationException($"could not start {Python}"));
    }

    /// <summary>Sends one request line and returns the answer line; throws when none comes within <paramref name="patience"/>.</summary>
    public async Task<string> AskAsync(string request, TimeSpan patience)
    {
        await _process.StandardInput.WriteLineAsync(request).ConfigureAwait(false);
        await _process.StandardInput.FlushAsync().ConfigureAwait(false);
        return await ReadLineAsync(patience).ConfigureAwait(false);
    }

    /// <summary>The next line the script prints; throws when it ends or is silent for <paramref name="patience"/>.</summary>
    public async Task<string> ReadLineAsync(TimeSpan patience)
    {
        var line = _process.StandardOutput.ReadLineAsync();
        try
        {
            return await line.WaitAsync(patience).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"the python script ended: {await StderrAfterExitAsync().ConfigureAwait(false)}");
        }
        catch (TimeoutException)
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException($"the python script did not answer within {patience.TotalSeconds} s: {Errors}");
        }
    }

    private async Task<string> StderrAfterExitAsync()
    {
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _process.WaitForExitAsync(wait.Token).ConfigureAwait(false);
        return Errors;
    }

    /// <summary>Closes the script's stdin, its signal to stop, and kills it if it does not within 5 s.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.StandardInput.Close();
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await _process.WaitForExitAsync(wait.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        _process.Dispose();
    }
}
