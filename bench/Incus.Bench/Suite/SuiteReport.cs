using System.Globalization;
using System.Text.Json;

namespace Incus.Bench.Suite;

/// <summary>Prints the figures as one table (ours, LXD, ratio, target, met) and writes them as one JSON document.</summary>
public static class SuiteReport
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string FormatLine(Figure figure)
    {
        string ours = Value(figure.Ours, figure.Unit);
        string lxd = figure.Lxd is null ? "-" : Value(figure.Lxd, figure.Unit);
        string ratio = figure.Ratio is double r ? string.Create(Invariant, $"{r:0.00}x") : "-";
        string met = figure.Met switch { true => "met", false => "NOT met", _ => figure.Kind == TargetKind.None ? "" : "n/a" };
        string line = string.Create(Invariant, $"{figure.Title,-46} {ours,14} {lxd,14} {ratio,8} {figure.TargetText,12} {met,-7}");
        return figure.Note is null ? line.TrimEnd() : $"{line.TrimEnd()}  ({figure.Note})";
    }

    public static string Header => string.Create(Invariant,
        $"{"figure",-46} {"ours",14} {"LXD",14} {"ratio",8} {"target",12} met");

    private static string Value(double? value, string unit) => value switch
    {
        null => "not measured",
        double v when Math.Abs(v) >= 100 => string.Create(Invariant, $"{v:0} {unit}"),
        double v => string.Create(Invariant, $"{v:0.##} {unit}"),
    };

    public static void WriteJson(string file, bool smoke, IReadOnlyList<Figure> figures, IReadOnlyList<string> notes)
    {
        // Property names are spelled out: the snake_case names are the contract with scripts that read the file.
        using FileStream stream = File.Create(file);
        using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        writer.WriteStartObject();
        writer.WriteString("suite", "incus-bench all");
        writer.WriteBoolean("smoke", smoke);
        writer.WriteString("finished_utc", DateTime.UtcNow.ToString("O", Invariant));
        writer.WriteStartArray("figures");
        foreach (Figure figure in figures)
        {
            writer.WriteStartObject();
            writer.WriteString("id", figure.Id);
            writer.WriteString("title", figure.Title);
            writer.WriteString("unit", figure.Unit);
            WriteNumberOrNull(writer, "ours", figure.Ours);
            WriteNumberOrNull(writer, "lxd", figure.Lxd);
            WriteNumberOrNull(writer, "ratio", figure.Ratio);
            writer.WriteString("target", figure.TargetText);
            if (figure.Met is bool met)
            {
                writer.WriteBoolean("met", met);
            }
            else
            {
                writer.WriteNull("met");
            }

            if (figure.Note is null)
            {
                writer.WriteNull("note");
            }
            else
            {
                writer.WriteString("note", figure.Note);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteStartArray("notes");
        foreach (string note in notes)
        {
            writer.WriteStringValue(note);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.Flush();
        stream.WriteByte((byte)'\n');
    }

    private static void WriteNumberOrNull(Utf8JsonWriter writer, string name, double? value)
    {
        if (value is double v && double.IsFinite(v))
        {
            writer.WriteNumber(name, Math.Round(v, 4));
        }
        else
        {
            writer.WriteNull(name);
        }
    }
}
