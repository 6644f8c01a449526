using System.Diagnostics;

namespace Incus.Helpers;

/// <summary>
/// Runs a program at a fixed absolute path with an argv array built by the helper. There is no shell,
/// the environment is cleared, and the caller never contributes a flag.
/// </summary>
public static class FixedCommand
{
    /// <summary>The whole environment of every helper child.</summary>
    public static readonly IReadOnlyDictionary<string, string> Environment = new Dictionary<string, string>
    {
        ["PATH"] = "/usr/sbin:/usr/bin:/sbin:/bin",
        ["LC_ALL"] = "C",
    };

    /// <summary>
    /// The start info every helper child gets: a fixed absolute program, the helper's own argv, all three
    /// streams redirected (a child must never inherit the helper's stdin, the supervisor's control channel)
    /// and a cleared environment.
    /// </summary>
    public static ProcessStartInfo StartInfo(string program, IEnumerable<string> arguments)
    {
        if (!Path.IsPathFullyQualified(program))
        {
            throw new ArgumentException($"program must be an absolute path: {program}");
        }
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment.Clear();
        foreach (var (key, value) in Environment)
        {
            start.Environment[key] = value;
        }
        return start;
    }

    public static async Task<string> RunAsync(string program, IEnumerable<string> arguments, string? standardInput = null, CancellationToken cancellationToken = default)
    {
        var start = StartInfo(program, arguments);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {program}");
        if (standardInput is not null)
        {
            await process.StandardInput.WriteAsync(standardInput).ConfigureAwait(false);
        }
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            string message = (await error.ConfigureAwait(false)).Trim();
            throw new InvalidOperationException($"{Path.GetFileName(program)} {string.Join(' ', start.ArgumentList)} failed (exit {process.ExitCode}): {message}");
        }
        return await output.ConfigureAwait(false);
    }
}
