using Incus.Bench.Suite;

namespace Incus.Tests.Unit;

/// <summary>How bench/run all judges figures and reads the filter benchmark's JSON; no timing is involved.</summary>
public sealed class BenchSuiteTests
{
    [Fact]
    public void RatioTargetsAreJudgedOnOursOverLxdAndNotWithoutLxd()
    {
        var faster = new Figure("get", "GET", "req/s", 10000, 2000, TargetKind.RatioAtLeast, 5);
        Assert.Equal(5, faster.Ratio);
        Assert.True(faster.Met);
        Assert.False(new Figure("start", "start", "ms", 120, 200, TargetKind.RatioAtMost, 0.5).Met);
        Assert.Null(new Figure("start", "start", "ms", 120, null, TargetKind.RatioAtMost, 0.5).Met);
        Assert.True(new Figure("errors", "errors", "err", 0, null, TargetKind.AtMost, 0).Met);
        Assert.Null(Figure.NotMeasured("x", "x", "ms", TargetKind.AtMost, 10, "why").Met);
    }

    [Fact]
    public void FilterResultsBecomeOneApplyAndOneRemoveFigurePerDriverAndPopulation()
    {
        const string json = """
            {"results":[{"driver":"nftables","population":1,"apply_ms":3.5,"remove_ms":2.0},
                        {"driver":"nftables","population":1000,"apply_ms":12,"remove_ms":4}],
             "throughput":[{"driver":"nftables","population":1000,"filtered_gbps":9.7,"unfiltered_gbps":10,"ratio":0.97}]}
            """;
        var figures = FilterFigures.Parse(json).ToDictionary(figure => figure.Id);
        Assert.True(figures["filter_apply_nftables_1"].Met);
        Assert.False(figures["filter_apply_nftables_1000"].Met);
        Assert.Equal(4, figures["filter_remove_nftables_1000"].Ours);
        Assert.Equal(97, figures["throughput_nftables_1000"].Ours!.Value, 3);
        Assert.True(figures["throughput_nftables_1000"].Met);
    }

    [Fact]
    public void AFilterReportWithoutThroughputSaysSo()
    {
        var figures = FilterFigures.Parse("""{"results":[{"driver":"xtables","population":10,"apply_ms":1,"remove_ms":1}]}""");
        Figure throughput = Assert.Single(figures, figure => figure.Id == "throughput");
        Assert.Null(throughput.Ours);
        Assert.NotNull(throughput.Note);
    }

    [Fact]
    public void SmokeShrinksEverySizeAndNoLxdLeavesLxdOut()
    {
        SuiteOptions options = SuiteOptionsParser.Parse(["all", "--smoke", "--no-lxd", "--json", "/tmp/out.json"], "/repo");
        Assert.True(options.Smoke);
        Assert.Null(options.LxdSocketPath);
        Assert.Equal(2, options.Containers);
        Assert.Equal("1,10", options.FilterPopulations);
        Assert.True(options.LoadDuration <= TimeSpan.FromSeconds(5));
        Assert.Equal("/tmp/out.json", options.JsonFile);
        Assert.Throws<Incus.Bench.UsageException>(() => SuiteOptionsParser.Parse(["all", "--containers", "0"], "/repo"));
    }
}
