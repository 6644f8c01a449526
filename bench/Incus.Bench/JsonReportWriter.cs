using System.Text.Json;

namespace Incus.Bench;

/// <summary>Writes the figures as a JSON array for scripts that track performance over time.</summary>
public static class JsonReportWriter
{
    public static void Write(string file, IEnumerable<BenchResult> results)
    {
        // Utf8JsonWriter with explicit property names: the snake_case field names are the contract with
        // consumers, so they are spelled out rather than derived from the C# names by a naming policy.
        using FileStream stream = File.Create(file);
        using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        writer.WriteStartArray();
        foreach (BenchResult result in results)
        {
            writer.WriteStartObject();
            writer.WriteString("target", result.Target);
            writer.WriteString("socket", result.SocketPath);
            writer.WriteString("path", result.RequestPath);
            writer.WriteNumber("connections", result.Connections);
            writer.WriteNumber("requests", result.Requests);
            writer.WriteNumber("req_per_s", Math.Round(result.RequestsPerSecond, 1));
            writer.WriteNumber("p50_ms", Math.Round(result.P50Milliseconds, 4));
            writer.WriteNumber("p90_ms", Math.Round(result.P90Milliseconds, 4));
            writer.WriteNumber("p99_ms", Math.Round(result.P99Milliseconds, 4));
            writer.WriteNumber("errors", result.Errors);
            writer.WriteNumber("reconnects", result.Reconnects);
            writer.WriteNumber("elapsed_s", Math.Round(result.ElapsedSeconds, 4));
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.Flush();
        stream.WriteByte((byte)'\n');
    }
}
