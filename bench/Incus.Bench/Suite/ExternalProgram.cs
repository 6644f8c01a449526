using System.Diagnostics;

namespace Incus.Bench.Suite;

/// <summary>Runs a program with an argv array (never through a shell) and captures what it printed.</summary>
public static class ExternalProgram
{
    public sealed record Outcome(int ExitCode, string Output, string Error)
    {
        public Outcome EnsureSuccess(string what) =>
            ExitCode == 0 ? this : throw new BenchmarkFailedException($"{what} failed with exit code {ExitCode}: {Error.Trim()} {Output.Trim()}");
    }

    public static async Task<Outcome> RunAsync(string program, IEnumerable<string> arguments, CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string>? environment = null, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach ((string key, string value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        using Process process = Process.Start(start) ?? throw new BenchmarkFailedException($"could not start {program}");
        process.StandardInput.Close();
        Task<string> output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        Task<string> error = process.StandardError.ReadToEndAsync(cancellationToken);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout ?? TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            // A child left running would outlive the suite and hold the namespace or the directory.
            process.Kill(entireProcessTree: true);
            if (cancellationToken.IsCancellationRequested)
            {
                throw;
            }

            throw new TimeoutException($"{program} {string.Join(' ', start.ArgumentList)} did not finish in time");
        }

        return new Outcome(process.ExitCode, await output, await error);
    }

    /// <summary>Whether <paramref name="name"/> is an executable on PATH, for optional tools such as <c>lxc</c>.</summary>
    public static string? FindOnPath(string name)
    {
        foreach (string directory in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(directory, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
