using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Incus.Cli;

/// <summary>
/// The flow every <c>edit</c> command shares. When standard input is not a terminal, the new YAML is
/// read from it and applied once. Otherwise the current YAML is opened in $VISUAL, $EDITOR or vi, and
/// applied when the editor exits; if that fails, the error is shown and the user may re-open the
/// editor on what they wrote, or press ctrl+c to leave everything as it was.
/// </summary>
public static class ConfigEditor
{
    public const string RetryPrompt = "Press enter to open the editor again or ctrl+c to abort";

    /// <param name="subject">What is edited, for the comment at the top of the file ("instance c1").</param>
    /// <param name="currentYaml">The object as it is now.</param>
    /// <param name="applied">The fields that the edit changes; the rest of the document is ignored.</param>
    /// <param name="apply">Parses the edited text and sends it; throws <see cref="CliException"/> on any failure.</param>
    public static async Task EditAsync(string subject, string currentYaml, string applied, Func<string, CancellationToken, Task> apply,
        CancellationToken cancellationToken)
    {
        if (Console.IsInputRedirected)
        {
            await apply(await Console.In.ReadToEndAsync(cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
            return;
        }
        string content = $"""
            ### The configuration of {subject}, as YAML. Save and quit the editor to apply it.
            ### Only {applied} are changed; everything else here is shown for reference.
            ### Lines starting with '#' are ignored.

            {currentYaml}
            """;
        while (true)
        {
            content = RunEditor(content);
            try
            {
                await apply(content, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (CliException ex)
            {
                Console.Error.WriteLine($"Error: {ex.Message}");
                Console.WriteLine(RetryPrompt);
                if (Console.ReadLine() is null)
                {
                    throw new CliException("no answer on standard input; the edit was not applied");
                }
            }
        }
    }

    /// <summary>$VISUAL, else $EDITOR, else vi; the variable may carry arguments ("code --wait").</summary>
    public static string[] EditorCommand()
    {
        foreach (string variable in new[] { "VISUAL", "EDITOR" })
        {
            if (Environment.GetEnvironmentVariable(variable)?.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) is { Length: > 0 } words)
            {
                return words;
            }
        }
        return ["vi"];
    }

    /// <summary>Opens the editor on a private temporary file holding <paramref name="content"/> and returns what it holds afterwards.</summary>
    private static string RunEditor(string content)
    {
        string path = Path.Combine(Path.GetTempPath(), $"incus-edit-{Guid.NewGuid():N}.yaml");
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        };
        string[] editor = EditorCommand();
        try
        {
            using (var writer = new StreamWriter(path, options))
            {
                writer.Write(content);
            }
            var start = new ProcessStartInfo(editor[0]) { UseShellExecute = false };
            foreach (string argument in editor.Skip(1).Append(path))
            {
                start.ArgumentList.Add(argument);
            }
            // Ctrl+C while the editor runs is the editor's (vi uses it); the terminal sends it to both.
            using (PosixSignalRegistration.Create(PosixSignal.SIGINT, signal => signal.Cancel = true))
            using (var process = Process.Start(start) ?? throw new CliException($"could not start the editor \"{editor[0]}\""))
            {
                process.WaitForExit();
                if (process.ExitCode != 0)
                {
                    throw new CliException($"the editor \"{string.Join(' ', editor)}\" exited with status {process.ExitCode}; nothing was changed");
                }
            }
            return File.ReadAllText(path);
        }
        catch (Win32Exception ex)
        {
            throw new CliException($"could not start the editor \"{editor[0]}\" ({ex.Message}); set VISUAL or EDITOR to one that exists");
        }
        finally
        {
            File.Delete(path);
        }
    }
}
