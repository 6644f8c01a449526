using System.Text.Json;

namespace Incus.Tests.Integration;

/// <summary>
/// Runs the whole benchmark suite (<c>incus-bench all --smoke</c>) with tiny sizes so it cannot rot: it must
/// finish, measure every figure of issue 9 on our side (and issue 8's TLS GET /1.0), and see no errors under the mixed load. Timings are
/// printed by the suite but never asserted here.
/// </summary>
public sealed class BenchSmokeTests
{
    /// <summary>Figures our side must always produce as numbers.</summary>
    private static readonly string[] OurFigures =
    [
        "cold_start", "idle_pss", "get_1_0_c1", "get_1_0_c16", "get_1_0_tls_c1", "get_1_0_tls_c16", "container_start", "container_stop",
        "instances_recursion2", "lxc_list", "load_requests", "load_errors", "load_rss_growth", "load_pss_growth",
    ];

    [Fact]
    public async Task TheSmokeRunMeasuresEveryFigureWithoutLoadErrors()
    {
        Stage.RequireRoot();
        string json = Path.Combine(Path.GetTempPath(), $"incus-it-bench-{Guid.NewGuid():N}.json");
        try
        {
            // The built tool is run directly: `bench/run` would start another build of the solution's projects.
            // --no-lxd: an LXD on this machine belongs to someone else, and the suite restarts it for cold start.
            // The limit only catches a hang: the smoke run takes about 3 minutes on an idle 2-core machine.
            var result = await Command.RunAsync(BenchProgram(), ["all", "--smoke", "--no-lxd", "--stage", Stage.Directory, "--json", json],
                timeout: TimeSpan.FromMinutes(8));
            Assert.True(result.ExitCode == 0, $"incus-bench all --smoke exited with {result.ExitCode}:\n{result.Output}\n{result.Error}");

            using JsonDocument document = JsonDocument.Parse(await File.ReadAllTextAsync(json));
            var figures = document.RootElement.GetProperty("figures").EnumerateArray()
                .ToDictionary(figure => figure.GetProperty("id").GetString()!, figure => figure);
            foreach (string id in OurFigures)
            {
                Assert.True(figures.TryGetValue(id, out JsonElement figure), $"figure {id} missing:\n{result.Output}");
                Assert.True(figure.GetProperty("ours").ValueKind == JsonValueKind.Number, $"figure {id} has no number: {figure}");
            }

            Assert.Equal(0, figures["load_errors"].GetProperty("ours").GetDouble());
            // Over TLS every answer was a 200 to a trusted client (the suite checks the trust before it measures;
            // a non-200 answer would be noted on the figure).
            Assert.All(new[] { "get_1_0_tls_c1", "get_1_0_tls_c16" }, id => Assert.True(figures[id].GetProperty("note").ValueKind == JsonValueKind.Null,
                $"figure {id}: {figures[id]}"));
            Assert.True(figures["load_requests"].GetProperty("ours").GetDouble() > 0);

            // The filter figures come from bench/Incus.Bench.Filters: numbers per driver and population, or one
            // "not measured" row that says why (for example a build of that tool without --json).
            var filterFigures = figures.Where(pair => pair.Key.StartsWith("filter_", StringComparison.Ordinal)).Select(pair => pair.Value).ToList();
            Assert.NotEmpty(filterFigures);
            Assert.All(filterFigures, figure => Assert.True(
                figure.GetProperty("ours").ValueKind == JsonValueKind.Number || figure.GetProperty("note").ValueKind == JsonValueKind.String,
                $"filter figure without a number or a reason: {figure}"));
        }
        finally
        {
            File.Delete(json);
        }
    }

    /// <summary>bench/Incus.Bench's build output in the configuration this test was built in.</summary>
    private static string BenchProgram()
    {
        // The test runs from tests/Incus.Tests.Integration/bin/<configuration>/<framework>/.
        var output = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory));
        string configuration = output.Parent!.Name;
        string program = Path.Combine(Stage.RepositoryRoot, "bench", "Incus.Bench", "bin", configuration, output.Name, "incus-bench");
        return File.Exists(program) ? program : throw new InvalidOperationException($"{program} is missing: build Incus.sln in {configuration} first");
    }
}
