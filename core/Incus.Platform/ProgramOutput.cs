using System.Diagnostics;

namespace Incus.Platform;

/// <summary>
/// Runs a program with an argv array (never through a shell) to completion and returns what it
/// printed, for the tools around the daemon (the conformance kit, the benchmarks). The root helpers
/// use their own FixedCommand, which also clears the environment.
/// </summary>
public static class ProgramOutput
{
    /// <summary>The program's exit code, standard output and standard error.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(string program, IEnumerable<string> arguments,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {program}");
        // Both pipes are drained at once, so a program that fills one while we wait on the other cannot stall.
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        return (process.ExitCode, await output.ConfigureAwait(false), await error.ConfigureAwait(false));
    }

    /// <summary>What the program printed on standard output; throws <see cref="InvalidOperationException"/> with its standard error when it fails.</summary>
    public static async Task<string> ReadAsync(string program, IReadOnlyList<string> arguments, CancellationToken cancellationToken = default)
    {
        var (exitCode, output, error) = await RunAsync(program, arguments, cancellationToken).ConfigureAwait(false);
        return exitCode == 0 ? output : throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed: {error.Trim()}");
    }
}
