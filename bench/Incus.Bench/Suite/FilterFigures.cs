using System.Globalization;
using System.Text.Json;

namespace Incus.Bench.Suite;

/// <summary>
/// NIC filter apply/remove and bridged throughput, measured by bench/Incus.Bench.Filters (which drives the real
/// net helper) and read back from its --json file. Ours only: LXD has no comparable entry point.
/// </summary>
public static class FilterFigures
{
    private const double ApplyRemoveBoundMilliseconds = 10;
    private const double ThroughputBoundPercent = 95;

    public static async Task<IReadOnlyList<Figure>> MeasureAsync(SuiteOptions options, TextWriter output, CancellationToken cancellationToken)
    {
        string project = Path.Combine(options.RepositoryRoot, "bench", "Incus.Bench.Filters");
        string json = Path.Combine(Path.GetTempPath(), $"incus-bench-filters-{Environment.ProcessId}.json");
        File.Delete(json);
        var arguments = new List<string> { "run", "-c", "Release", "--project", project };
        // A smoke run follows a solution build (the test does one), so it skips the slow, lock-prone rebuild.
        if (options.Smoke && Directory.Exists(Path.Combine(project, "bin", "Release")))
        {
            arguments.Add("--no-build");
        }

        arguments.AddRange(["--", "--stage", options.StageDirectory, "--json", json,
            "--populations", options.FilterPopulations, "--rounds", options.FilterRounds.ToString(CultureInfo.InvariantCulture)]);
        output.WriteLine($"  running dotnet {string.Join(' ', arguments)}");
        output.Flush();
        try
        {
            ExternalProgram.Outcome outcome = await ExternalProgram.RunAsync("dotnet", arguments, cancellationToken, timeout: TimeSpan.FromMinutes(30));
            if (outcome.ExitCode != 0 || !File.Exists(json))
            {
                string why = outcome.ExitCode != 0
                    ? $"Incus.Bench.Filters exited with {outcome.ExitCode}: {FirstLine(outcome.Error + outcome.Output)}"
                    : "Incus.Bench.Filters wrote no JSON file (does it support --json yet?)";
                return NotMeasured(why);
            }

            return Parse(File.ReadAllText(json));
        }
        finally
        {
            File.Delete(json);
        }
    }

    public static IReadOnlyList<Figure> Parse(string json)
    {
        using JsonDocument document = JsonDocument.Parse(json);
        var figures = new List<Figure>();
        if (document.RootElement.TryGetProperty("results", out JsonElement results))
        {
            foreach (JsonElement result in results.EnumerateArray())
            {
                string driver = result.GetProperty("driver").GetString() ?? "?";
                int population = result.GetProperty("population").GetInt32();
                figures.Add(new Figure($"filter_apply_{driver}_{population}", $"filter apply, {driver}, {population} NICs", "ms",
                    result.GetProperty("apply_ms").GetDouble(), null, TargetKind.AtMost, ApplyRemoveBoundMilliseconds));
                figures.Add(new Figure($"filter_remove_{driver}_{population}", $"filter remove, {driver}, {population} NICs", "ms",
                    result.GetProperty("remove_ms").GetDouble(), null, TargetKind.AtMost, ApplyRemoveBoundMilliseconds));
            }
        }

        if (figures.Count == 0)
        {
            figures.AddRange(NotMeasured("the filter benchmark's JSON had no results").Take(2));
        }

        int throughputFigures = 0;
        if (document.RootElement.TryGetProperty("throughput", out JsonElement throughput))
        {
            foreach (JsonElement entry in throughput.EnumerateArray())
            {
                string driver = entry.GetProperty("driver").GetString() ?? "?";
                int population = entry.GetProperty("population").GetInt32();
                double filtered = entry.GetProperty("filtered_gbps").GetDouble();
                double unfiltered = entry.GetProperty("unfiltered_gbps").GetDouble();
                figures.Add(new Figure($"throughput_{driver}_{population}", $"bridged throughput filtered/none, {driver}, {population} NICs", "%",
                    entry.GetProperty("ratio").GetDouble() * 100, null, TargetKind.AtLeast, ThroughputBoundPercent,
                    string.Create(CultureInfo.InvariantCulture, $"{filtered:0.##} vs {unfiltered:0.##} Gbit/s")));
                throughputFigures++;
            }
        }

        if (throughputFigures == 0)
        {
            figures.Add(Figure.NotMeasured("throughput", "bridged throughput filtered/none", "%", TargetKind.AtLeast, ThroughputBoundPercent,
                "the filter benchmark reported no throughput"));
        }

        return figures;
    }

    private static IReadOnlyList<Figure> NotMeasured(string why) =>
    [
        Figure.NotMeasured("filter_apply", "filter apply", "ms", TargetKind.AtMost, ApplyRemoveBoundMilliseconds, why),
        Figure.NotMeasured("filter_remove", "filter remove", "ms", TargetKind.AtMost, ApplyRemoveBoundMilliseconds, why),
        Figure.NotMeasured("throughput", "bridged throughput filtered/none", "%", TargetKind.AtLeast, ThroughputBoundPercent, why),
    ];

    private static string FirstLine(string text)
    {
        string trimmed = text.Trim();
        int newline = trimmed.IndexOf('\n');
        return newline < 0 ? trimmed : trimmed[..newline];
    }
}
