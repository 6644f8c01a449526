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

        if (args.Length > 0 && args[0] == "all")
        {
            return await RunSuiteAsync(args);
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

    private static async Task<int> RunSuiteAsync(string[] args)
    {
        Suite.SuiteOptions options;
        try
        {
            options = Suite.SuiteOptionsParser.Parse(args, RepositoryRoot());
        }
        catch (UsageException ex)
        {
            Console.Error.WriteLine($"incus-bench: {ex.Message}");
            Console.Error.WriteLine(Suite.SuiteOptionsParser.Usage);
            return 2;
        }

        if (options.ShowHelp)
        {
            Console.WriteLine(Suite.SuiteOptionsParser.Usage);
            return 0;
        }

        // Ctrl+C and SIGTERM both cancel, so the suite's cleanup (daemon, namespaces, containers) still runs.
        using var interrupt = new CancellationTokenSource();
        using var onInterrupt = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGINT, Cancel);
        using var onTerminate = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, Cancel);
        void Cancel(System.Runtime.InteropServices.PosixSignalContext context)
        {
            context.Cancel = true;
            interrupt.Cancel();
        }

        try
        {
            return await new Suite.SuiteCommand(options, Console.Out).RunAsync(interrupt.Token);
        }
        catch (OperationCanceledException) when (interrupt.IsCancellationRequested)
        {
            Console.Error.WriteLine("incus-bench: interrupted; what the suite created has been removed");
            return 130;
        }
    }

    /// <summary>The checkout the tool runs from: the suite uses its scripts (busybox image) and the filter benchmark project.</summary>
    private static string RepositoryRoot()
    {
        foreach (string start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "Incus.sln")))
                {
                    return directory.FullName;
                }
            }
        }

        throw new UsageException("run incus-bench all from inside the repository checkout (Incus.sln not found)");
    }
}
