using System.Text;
using System.Text.Json;

namespace Incus.Bench.Filters;

/// <summary>Everything one run measured, collected for <c>--json</c>.</summary>
public sealed class FilterBenchReport
{
    public List<FilterTiming> Results { get; } = new();

    public List<CleanupTiming> Cleanup { get; } = new();

    public List<ThroughputComparison> Throughput { get; } = new();

    /// <summary>LXD's apply/remove times (driver "lxd"), when an LXD socket was given.</summary>
    public List<FilterTiming> Lxd { get; } = new();

    /// <summary>Why something was not measured (no iperf3, no LXD), so a reader of the file sees the gap.</summary>
    public List<string> NotMeasured { get; } = new();

    /// <summary>
    /// The JSON for the overall bench runner. The snake_case field names are the contract with that
    /// consumer, so they are spelled out rather than derived from the C# names by a naming policy.
    /// </summary>
    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            WriteTimings(writer, "results", Results);
            writer.WriteStartArray("cleanup");
            foreach (CleanupTiming cleanup in Cleanup)
            {
                writer.WriteStartObject();
                writer.WriteString("driver", cleanup.Driver);
                writer.WriteNumber("population", cleanup.Population);
                writer.WriteNumber("ms", Math.Round(cleanup.Ms, 3));
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteStartArray("throughput");
            foreach (ThroughputComparison throughput in Throughput)
            {
                writer.WriteStartObject();
                writer.WriteString("driver", throughput.Driver);
                writer.WriteNumber("population", throughput.Population);
                writer.WriteNumber("filtered_gbps", Math.Round(throughput.FilteredGbps, 3));
                writer.WriteNumber("unfiltered_gbps", Math.Round(throughput.UnfilteredGbps, 3));
                writer.WriteNumber("ratio", Math.Round(throughput.Ratio, 4));
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            WriteTimings(writer, "lxd", Lxd);
            writer.WriteStartArray("not_measured");
            foreach (string reason in NotMeasured)
            {
                writer.WriteStringValue(reason);
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    private static void WriteTimings(Utf8JsonWriter writer, string name, IEnumerable<FilterTiming> timings)
    {
        writer.WriteStartArray(name);
        foreach (FilterTiming timing in timings)
        {
            writer.WriteStartObject();
            writer.WriteString("driver", timing.Driver);
            writer.WriteNumber("population", timing.Population);
            writer.WriteNumber("apply_ms", Math.Round(timing.ApplyMs, 3));
            writer.WriteNumber("remove_ms", Math.Round(timing.RemoveMs, 3));
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
    }
}
