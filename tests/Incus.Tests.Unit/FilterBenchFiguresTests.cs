using System.Text.Json;
using Incus.Bench.Filters;

namespace Incus.Tests.Unit;

/// <summary>The pure parts of incus-filter-bench: medians, iperf3's report, the throughput ratio and the JSON contract.</summary>
public sealed class FilterBenchFiguresTests
{
    // Trimmed from a real `iperf3 --client … --json` run: sent and received differ, and the bench must take received.
    private const string Iperf3Tcp = """
        {"start":{"test_start":{"protocol":"TCP","duration":5}},"intervals":[],
         "end":{"sum_sent":{"seconds":5.0,"bytes":8000000000,"bits_per_second":12800000000.0,"retransmits":0},
                "sum_received":{"seconds":5.0,"bytes":7900000000,"bits_per_second":12640000000.0}}}
        """;

    [Theory]
    [InlineData(new[] { 3.0 }, 3.0)]
    [InlineData(new[] { 5.0, 1.0, 3.0 }, 3.0)]
    [InlineData(new[] { 4.0, 1.0, 3.0, 100.0 }, 3.5)]
    public void MedianIgnoresOrderAndOutliers(double[] values, double expected) =>
        Assert.Equal(expected, SampleStatistics.Median(values));

    [Fact]
    public void MedianOfNothingIsRefused() => Assert.Throws<ArgumentException>(() => SampleStatistics.Median([]));

    [Fact]
    public void Iperf3ThroughputIsTheReceiversFigure() =>
        Assert.Equal(12_640_000_000.0, Iperf3Report.ReceivedBitsPerSecond(Iperf3Tcp));

    [Fact]
    public void Iperf3ErrorsSayWhatIperf3Said()
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            Iperf3Report.ReceivedBitsPerSecond("""{"start":{},"intervals":[],"end":{},"error":"unable to connect to server: Connection refused"}"""));
        Assert.Contains("Connection refused", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Iperf3ReportWithoutReceiverSumIsRefused() =>
        Assert.Throws<InvalidOperationException>(() => Iperf3Report.ReceivedBitsPerSecond("""{"end":{"sum":{"bits_per_second":1.0}}}"""));

    [Fact]
    public void ThroughputLineGivesBothFiguresAndTheRatio()
    {
        var comparison = new ThroughputComparison("nftables", 1000, 9.6, 10.0);
        Assert.Equal(0.96, comparison.Ratio, 6);
        Assert.Equal("filtered 9.60 Gbit/s vs unfiltered 10.00 Gbit/s = 96.0 % (target >= 95 %, met)", comparison.Describe());
        Assert.Contains("NOT met", new ThroughputComparison("xtables", 1, 9.0, 10.0).Describe(), StringComparison.Ordinal);
        Assert.Equal(0, new ThroughputComparison("xtables", 1, 1.0, 0).Ratio);
    }

    [Fact]
    public void JsonUsesTheFieldNamesTheBenchRunnerParses()
    {
        var report = new FilterBenchReport();
        report.Results.Add(new FilterTiming("nftables", 1000, 4.25, 1.5));
        report.Cleanup.Add(new CleanupTiming("nftables", 1000, 12));
        report.Throughput.Add(new ThroughputComparison("xtables", 1, 9.5, 10));
        report.Lxd.Add(new FilterTiming("lxd", 10, 50, 100));
        report.NotMeasured.Add("lxd throughput: the bench containers have no iperf3");

        using var document = JsonDocument.Parse(report.ToJson());
        JsonElement root = document.RootElement;
        JsonElement result = root.GetProperty("results")[0];
        Assert.Equal("nftables", result.GetProperty("driver").GetString());
        Assert.Equal(1000, result.GetProperty("population").GetInt32());
        Assert.Equal(4.25, result.GetProperty("apply_ms").GetDouble());
        Assert.Equal(1.5, result.GetProperty("remove_ms").GetDouble());
        JsonElement cleanup = root.GetProperty("cleanup")[0];
        Assert.Equal(12, cleanup.GetProperty("ms").GetDouble());
        Assert.Equal(1000, cleanup.GetProperty("population").GetInt32());
        JsonElement throughput = root.GetProperty("throughput")[0];
        Assert.Equal("xtables", throughput.GetProperty("driver").GetString());
        Assert.Equal(9.5, throughput.GetProperty("filtered_gbps").GetDouble());
        Assert.Equal(10, throughput.GetProperty("unfiltered_gbps").GetDouble());
        Assert.Equal(0.95, throughput.GetProperty("ratio").GetDouble());
        Assert.Equal("lxd", root.GetProperty("lxd")[0].GetProperty("driver").GetString());
        Assert.Single(root.GetProperty("not_measured").EnumerateArray());
    }
}
