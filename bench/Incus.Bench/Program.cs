namespace Incus.Bench;

internal static class Program
{
    // Read once by the runtime's socket engine when the first socket is created, so it must be set before that.
    private const string InlineCompletionsVariable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    private static async Task<int> Main(string[] args)
    {
        // By default every socket completion hops from the epoll thread to the thread pool. For a closed-loop
        // client that only parses a few hundred bytes per completion, running it on the epoll thread instead
        // roughly halved the client's CPU and doubled c=1 throughput against a Kestrel server on 2 cores:
        // the client must not be what is measured. Setting the variable explicitly (e.g. to 0) overrides this.
        if (Environment.GetEnvironmentVariable(InlineCompletionsVariable) is null)
        {
            Environment.SetEnvironmentVariable(InlineCompletionsVariable, "1");
        }

        BenchOptions options;
        try
        {
            options = BenchOptionsParser.Parse(args);
        }
        catch (UsageException ex)
        {
            Console.Error.WriteLine($"incus-bench: {ex.Message}");
            Console.Error.WriteLine(BenchOptionsParser.Usage);
            return 2;
        }

        if (options.ShowHelp)
        {
            Console.WriteLine(BenchOptionsParser.Usage);
            return 0;
        }

        // Ctrl+C cancels the sockets so the run stops promptly instead of the process being killed mid-write.
        using var interrupt = new CancellationTokenSource();
        Console.CancelKeyPress += (_, eventArgs) =>
        {
            eventArgs.Cancel = true;
            interrupt.Cancel();
        };

        try
        {
            return await ApiCommand.RunAsync(options, Console.Out, interrupt.Token);
        }
        catch (OperationCanceledException) when (interrupt.IsCancellationRequested)
        {
            Console.Error.WriteLine("incus-bench: interrupted");
            return 130;
        }
        catch (BenchmarkFailedException ex)
        {
            Console.Error.WriteLine($"incus-bench: {ex.Message}");
            return 1;
        }
        catch (Exception ex) when (ApiCommand.IsTargetUnavailable(ex))
        {
            // A target that answered the probe but failed mid-run: report it plainly, the figures are void.
            Console.Error.WriteLine($"incus-bench: run failed: {ex.GetType().Name}: {ex.Message}");
            return 1;
        }
    }
}
