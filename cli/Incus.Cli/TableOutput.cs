using System.Text;

namespace Incus.Cli;

/// <summary>The boxed tables <c>incus … list</c> prints, and the csv form of the same rows.</summary>
public static class TableOutput
{
    public static readonly string[] Formats = ["table", "csv", "json", "yaml"];

    public static string Render(IReadOnlyList<string> headers, IReadOnlyList<IReadOnlyList<string>> rows, string format)
    {
        if (format == "csv")
        {
            return string.Concat(rows.Select(row => string.Join(',', row.Select(Csv)) + "\n"));
        }
        // A cell may hold several lines (an instance's addresses); the row is as tall as its tallest cell.
        int[] widths = headers.Select((h, i) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[i].Split('\n').Max(l => l.Length)))).ToArray();
        string separator = "+" + string.Join("+", widths.Select(w => new string('-', w + 2))) + "+\n";
        var table = new StringBuilder(separator);
        table.Append("| ").Append(string.Join(" | ", headers.Select((h, i) => Center(h, widths[i])))).Append(" |\n").Append(separator);
        foreach (var row in rows)
        {
            var cells = row.Select(cell => cell.Split('\n')).ToList();
            for (int line = 0; line < cells.Max(c => c.Length); line++)
            {
                table.Append("| ").Append(string.Join(" | ", cells.Select((c, i) => (line < c.Length ? c[line] : "").PadRight(widths[i])))).Append(" |\n");
            }
            table.Append(separator);
        }
        return table.ToString();
    }

    private static string Center(string text, int width)
    {
        int left = (width - text.Length) / 2;
        return text.PadLeft(text.Length + left).PadRight(width);
    }

    private static string Csv(string cell) =>
        cell.IndexOfAny([',', '"', '\n']) >= 0 ? "\"" + cell.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : cell;
}
