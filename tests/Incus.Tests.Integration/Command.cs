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
        var start = StartInfo(program, arguments, environment);
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

    public const string Script = "/usr/bin/script";

    /// <summary>
    /// The arguments that make script(1) run <paramref name="commandLine"/> on a new pseudo-terminal. The shell
    /// script starts is replaced by the command: dash (the /bin/sh script uses when SHELL is unset, as under
    /// CI) would otherwise stay as its parent in the same process group, and a SIGINT sent to that group
    /// would kill the shell, and with it the terminal, instead of reaching only the command.
    /// </summary>
    public static string[] OnATerminal(string commandLine) => ["-qec", $"exec {commandLine}", "/dev/null"];

    /// <summary>All three streams redirected, the arguments as an argv array, and <paramref name="environment"/> on top of ours.</summary>
    private static ProcessStartInfo StartInfo(string program, IEnumerable<string> arguments, IDictionary<string, string>? environment)
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
        return start;
    }

    /// <summary>
    /// Runs a program that asks questions: each answer is written only after its prompt has appeared on
    /// standard output, and standard input stays open until the program exits. Under script(1) this
    /// matters: input written early may be discarded when the program reconfigures its terminal, and an
    /// early end of input reaches the program as an end-of-file character, that is, as no answer at all.
    /// </summary>
    public static async Task<Result> RunAnsweringAsync(string program, IEnumerable<string> arguments, IDictionary<string, string> environment,
        IReadOnlyList<(string Prompt, string Answer)> dialogue, TimeSpan timeout)
    {
        var start = StartInfo(program, arguments, environment);
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = new System.Text.StringBuilder();
        using var cancel = new CancellationTokenSource(timeout);
        var buffer = new char[4096];
        int answered = 0;
        try
        {
            while (true)
            {
                int read = await process.StandardOutput.ReadAsync(buffer, cancel.Token);
                if (read == 0)
                {
                    break;
                }
                output.Append(buffer, 0, read);
                while (answered < dialogue.Count && CountOf(output.ToString(), dialogue[answered].Prompt) > CountOfEarlier(dialogue, answered))
                {
                    await process.StandardInput.WriteAsync(dialogue[answered].Answer);
                    await process.StandardInput.FlushAsync(cancel.Token);
                    answered++;
                }
            }
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', start.ArgumentList)} did not finish in time; it printed: {output}");
        }
        process.StandardInput.Close();
        return new Result(process.ExitCode, output.ToString(), await error);
    }

    /// <summary>How many of the earlier questions used the same prompt, so a repeated prompt is answered once per appearance.</summary>
    private static int CountOfEarlier(IReadOnlyList<(string Prompt, string Answer)> dialogue, int index) =>
        dialogue.Take(index).Count(step => step.Prompt == dialogue[index].Prompt);

    private static int CountOf(string text, string part)
    {
        int count = 0;
        for (int at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + part.Length, StringComparison.Ordinal))
        {
            count++;
        }
        return count;
    }

    /// <summary>Runs a program as another user, through setpriv with that user's groups.</summary>
    public static Task<Result> RunAsUserAsync(string user, string program, IEnumerable<string> arguments, IDictionary<string, string>? environment = null) =>
        RunAsync("/usr/bin/setpriv", new[] { "--reuid", user, "--regid", user, "--init-groups", "--", program }.Concat(arguments), environment);
}
