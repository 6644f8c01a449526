using System.Diagnostics;

namespace Incus.Tests.Integration;

/// <summary>Runs a program to completion and captures what it printed.</summary>
public static class Command
{
    public sealed record Result(int ExitCode, string Output, string Error)
    {
        public Result EnsureSuccess(string what) =>
            ExitCode == 0 ? this : throw new InvalidOperationException($"{what} failed with {ExitCode}: {Error}{Output}");
    }

    public static async Task<Result> RunAsync(string program, IEnumerable<string> arguments, IDictionary<string, string>? environment = null,
        string? input = null, TimeSpan? timeout = null)
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
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input);
        }
        process.StandardInput.Close();
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', start.ArgumentList)} did not finish in time");
        }
        return new Result(process.ExitCode, await output, await error);
    }

    public static Task<Result> RunAsync(string program, params string[] arguments) => RunAsync(program, arguments, null);

    /// <summary>Runs a program as another user, through setpriv with that user's groups.</summary>
    public static Task<Result> RunAsUserAsync(string user, string program, IEnumerable<string> arguments, IDictionary<string, string>? environment = null) =>
        RunAsync("/usr/bin/setpriv", new[] { "--reuid", user, "--regid", user, "--init-groups", "--", program }.Concat(arguments), environment);
}
