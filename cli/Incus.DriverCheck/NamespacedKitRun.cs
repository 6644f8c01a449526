using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using Incus.Platform;

namespace Incus.DriverCheck;

/// <summary>
/// Runs a suite's rows in a copy of this kit started inside a network namespace made for the run.
/// Network and NIC drivers read <c>/sys/class/net</c> and <c>/proc/sys/net</c> themselves, as well as
/// calling the net helper; in the daemon both see the same namespace. Only a whole process entered
/// with <c>ip netns exec</c> (which also remounts <c>/sys</c>) sees the scratch namespace in both, so
/// the kit re-executes itself there rather than calling the driver from the host's namespace.
/// </summary>
public static class NamespacedKitRun
{
    /// <summary>The option that tells the copy which namespace it runs in (the kit's own, not for users).</summary>
    public const string InsideOption = "--inside-netns";

    /// <summary>The option naming the file the copy writes its results to.</summary>
    public const string ResultsOption = "--results";

    /// <summary>The option naming the work directory the copy uses instead of making its own.</summary>
    public const string WorkOption = "--work";

    private static readonly TimeSpan RunLimit = TimeSpan.FromMinutes(5);

    /// <summary>
    /// In the kit as started: makes the namespace, runs the copy in it and returns the copy's results;
    /// when no results come back, every row fails as not run. In the copy: runs <paramref name="inside"/>.
    /// </summary>
    public static async Task<IReadOnlyList<CheckResult>> RunAsync(
        LoadedPlugin plugin, SuiteEnvironment environment, IReadOnlyList<string> rows,
        Func<Task<IReadOnlyList<CheckResult>>> inside, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plugin);
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(inside);
        if (environment.NetworkNamespace is not null)
        {
            return await inside().ConfigureAwait(false);
        }
        ScratchNetworkNamespace networkNamespace;
        try
        {
            networkNamespace = await ScratchNetworkNamespace.CreateAsync("incus-dc-").ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return NotRun(rows, $"the scratch network namespace could not be made: {ex.Message}");
        }
        var results = new List<CheckResult>();
        try
        {
            results.AddRange(await RunCopyAsync(plugin, environment, networkNamespace.Name, rows, cancellationToken).ConfigureAwait(false));
        }
        finally
        {
            try
            {
                // Deleting the namespace takes along any link a broken driver left; the rows have already said so.
                await networkNamespace.DisposeAsync().ConfigureAwait(false);
            }
            catch (InvalidOperationException ex)
            {
                results.Add(CheckResult.Fail("teardown: the run's network namespace is deleted", ex.Message));
            }
        }
        return results;
    }

    private static async Task<IReadOnlyList<CheckResult>> RunCopyAsync(
        LoadedPlugin plugin, SuiteEnvironment environment, string networkNamespace, IReadOnlyList<string> rows, CancellationToken cancellationToken)
    {
        string resultsFile = Path.Combine(environment.WorkDirectory, "results.json");
        string copyWork = Path.Combine(environment.WorkDirectory, "inside");
        Directory.CreateDirectory(copyWork);
        var start = new ProcessStartInfo("/bin/ip") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in (string[])["netns", "exec", networkNamespace, .. SelfCommand(),
            "--libdir", environment.LibraryDirectory, InsideOption, networkNamespace, WorkOption, copyWork, ResultsOption, resultsFile, plugin.Folder])
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the kit in the scratch namespace");
        // The copy prints only progress (timings); its results come back in the file.
        var output = Relay(process.StandardOutput, Console.Out);
        var errors = new List<string>();
        var errorOutput = Task.Run(async () =>
        {
            while (await process.StandardError.ReadLineAsync(CancellationToken.None).ConfigureAwait(false) is { } line)
            {
                errors.Add(line);
            }
        }, CancellationToken.None);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(RunLimit);
        try
        {
            await process.WaitForExitAsync(limit.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            await Task.WhenAll(output, errorOutput).ConfigureAwait(false);
            return NotRun(rows, cancellationToken.IsCancellationRequested ? "cancelled" : $"the kit in the scratch namespace did not finish within {RunLimit.TotalMinutes} min");
        }
        await Task.WhenAll(output, errorOutput).ConfigureAwait(false);
        if (process.ExitCode != 0 || !File.Exists(resultsFile))
        {
            return NotRun(rows, $"the kit in the scratch namespace exited with {process.ExitCode}: {string.Join('\n', errors.TakeLast(20))}");
        }
        return JsonSerializer.Deserialize<List<CheckResult>>(await File.ReadAllTextAsync(resultsFile, CancellationToken.None).ConfigureAwait(false))
            ?? throw new InvalidOperationException($"{resultsFile} holds no results");
    }

    /// <summary>How to start this kit again: its app host, or the runtime with its assembly.</summary>
    private static string[] SelfCommand()
    {
        string process = Environment.ProcessPath ?? throw new InvalidOperationException("cannot tell which program this process runs");
        return Path.GetFileNameWithoutExtension(process) == "dotnet" ? [process, Assembly.GetEntryAssembly()!.Location] : [process];
    }

    private static async Task Relay(StreamReader reader, TextWriter writer)
    {
        while (await reader.ReadLineAsync(CancellationToken.None).ConfigureAwait(false) is { } line)
        {
            writer.WriteLine(line);
        }
    }

    /// <summary>Every row failed as not run, with the reason: a row that did not run is never reported passed.</summary>
    public static IReadOnlyList<CheckResult> NotRun(IEnumerable<string> rows, string reason) =>
        rows.Select(row => CheckResult.Fail(row, $"not run: {reason}")).ToList();

    /// <summary>In the copy: writes the results for the kit that started it.</summary>
    public static void WriteResults(string file, IReadOnlyList<CheckResult> results) =>
        File.WriteAllText(file, JsonSerializer.Serialize(results));
}
