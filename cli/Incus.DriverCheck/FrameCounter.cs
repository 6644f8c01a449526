using System.Globalization;

namespace Incus.DriverCheck;

/// <summary>
/// Counts the frames that arrive on an interface (the victim's, or the host's bridge) and contain
/// given byte patterns: an AF_PACKET socket in one python3 process inside that interface's namespace,
/// kept for the whole run. Frames the interface sends itself are not counted.
/// </summary>
public sealed class FrameCounter : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    // "watch HEX…" starts counting those patterns from zero; "report" waits a moment for frames still
    // in flight (a bridge queue, a veth), then prints one count per pattern.
    private const string Script = """
        import select, socket, sys, time
        s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
        s.bind((sys.argv[1], 0))
        patterns, counts = [], []
        def take(frame, address):
            if address[2] == socket.PACKET_OUTGOING:
                return
            for i, p in enumerate(patterns):
                if p in frame:
                    counts[i] += 1
        print('ready', flush=True)
        while True:
            ready, _, _ = select.select([s, sys.stdin], [], [])
            if s in ready:
                take(*s.recvfrom(65535))
            if sys.stdin not in ready:
                continue
            words = sys.stdin.readline().split()
            if not words:
                break
            if words[0] == 'watch':
                patterns = [bytes.fromhex(w) for w in words[1:]]
                counts = [0] * len(patterns)
                print('watching', flush=True)
            elif words[0] == 'report':
                deadline = time.monotonic() + 0.3
                while (left := deadline - time.monotonic()) > 0:
                    if select.select([s], [], [], left)[0]:
                        take(*s.recvfrom(65535))
                print(' '.join(str(c) for c in counts), flush=True)
        """;

    private readonly PythonChild _python;

    private FrameCounter(PythonChild python) => _python = python;

    /// <param name="enter">The command prefix that enters the interface's network namespace.</param>
    /// <param name="device">The interface there.</param>
    public static async Task<FrameCounter> StartAsync(IReadOnlyList<string> enter, string device)
    {
        var python = PythonChild.Start(enter, Script, device);
        try
        {
            string first = await python.ReadLineAsync(Patience).ConfigureAwait(false);
            if (first != "ready")
            {
                throw new InvalidOperationException($"the frame counter said \"{first}\": {python.Errors}");
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException)
        {
            await python.DisposeAsync().ConfigureAwait(false);
            throw new InvalidOperationException($"the frame counter did not start: {ex.Message}", ex);
        }
        return new FrameCounter(python);
    }

    /// <summary>Starts counting, from zero, the frames containing each of <paramref name="patterns"/>.</summary>
    public async Task WatchAsync(IReadOnlyList<byte[]> patterns)
    {
        string answer = await _python.AskAsync("watch " + string.Join(' ', patterns.Select(Convert.ToHexStringLower)), Patience).ConfigureAwait(false);
        if (answer != "watching")
        {
            throw new InvalidOperationException($"the frame counter said \"{answer}\" to watch: {_python.Errors}");
        }
    }

    /// <summary>How many frames matched each pattern since <see cref="WatchAsync"/>, in the same order.</summary>
    public async Task<IReadOnlyList<int>> ReportAsync(int patternCount)
    {
        string answer = await _python.AskAsync("report", Patience).ConfigureAwait(false);
        var counts = answer.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(word => int.TryParse(word, NumberStyles.None, CultureInfo.InvariantCulture, out int n) ? n : -1).ToList();
        if (counts.Count != patternCount || counts.Contains(-1))
        {
            throw new InvalidOperationException($"the frame counter's report \"{answer}\" is not {patternCount} counts: {_python.Errors}");
        }
        return counts;
    }

    public ValueTask DisposeAsync() => _python.DisposeAsync();
}
