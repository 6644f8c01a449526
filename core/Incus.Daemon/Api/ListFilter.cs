using System.Text.Json;

namespace Incus.Daemon.Api;

/// <summary>
/// The <c>filter=</c> query of list endpoints: clauses <c>field eq|ne value</c>, optionally negated
/// with <c>not</c>, joined left to right with <c>and</c> / <c>or</c>. A field is a JSON property of
/// the listed object, with dots for nested maps (<c>config.user.team</c>, <c>expanded_config.…</c>).
/// </summary>
public sealed class ListFilter
{
    private readonly List<(string Join, bool Negated, string Field, string Operator, string Value)> _clauses;

    private ListFilter(List<(string, bool, string, string, string)> clauses) => _clauses = clauses;

    public static ListFilter? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        var tokens = Tokenize(text);
        var clauses = new List<(string, bool, string, string, string)>();
        int i = 0;
        string join = "and";
        while (i < tokens.Count)
        {
            bool negated = false;
            if (tokens[i] == "not")
            {
                negated = true;
                i++;
            }
            if (i + 2 >= tokens.Count)
            {
                throw ApiException.BadRequest($"Invalid filter \"{text}\": expected field, operator and value");
            }
            string field = tokens[i], op = tokens[i + 1], value = tokens[i + 2];
            if (op is not ("eq" or "ne"))
            {
                throw ApiException.BadRequest($"Invalid filter \"{text}\": unknown operator \"{op}\" (eq or ne)");
            }
            clauses.Add((join, negated, field, op, value));
            i += 3;
            if (i < tokens.Count)
            {
                join = tokens[i] is "and" or "or" ? tokens[i] : throw ApiException.BadRequest($"Invalid filter \"{text}\": expected and/or, got \"{tokens[i]}\"");
                i++;
                if (i >= tokens.Count)
                {
                    throw ApiException.BadRequest($"Invalid filter \"{text}\": ends with \"{join}\"");
                }
            }
        }
        return new ListFilter(clauses);
    }

    public bool Matches(JsonElement item)
    {
        bool result = true;
        foreach (var (join, negated, field, op, value) in _clauses)
        {
            string? actual = Lookup(item, field);
            bool match = string.Equals(actual, value, StringComparison.OrdinalIgnoreCase) == (op == "eq");
            match ^= negated;
            result = join == "and" ? result && match : result || match;
        }
        return result;
    }

    private static string? Lookup(JsonElement item, string field)
    {
        if (item.TryGetProperty(field, out var direct))
        {
            return Scalar(direct);
        }
        int dot = field.IndexOf('.');
        if (dot > 0 && item.TryGetProperty(field[..dot], out var map) && map.ValueKind == JsonValueKind.Object)
        {
            return map.TryGetProperty(field[(dot + 1)..], out var nested) ? Scalar(nested) : null;
        }
        return null;
    }

    private static string? Scalar(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Number => value.GetRawText(),
        _ => null,
    };

    private static List<string> Tokenize(string text)
    {
        var tokens = new List<string>();
        int i = 0;
        while (i < text.Length)
        {
            if (char.IsWhiteSpace(text[i]))
            {
                i++;
                continue;
            }
            if (text[i] is '"' or '\'')
            {
                char quote = text[i];
                int end = text.IndexOf(quote, i + 1);
                if (end < 0)
                {
                    throw ApiException.BadRequest($"Invalid filter \"{text}\": unterminated quote");
                }
                tokens.Add(text[(i + 1)..end]);
                i = end + 1;
                continue;
            }
            int start = i;
            while (i < text.Length && !char.IsWhiteSpace(text[i]))
            {
                i++;
            }
            tokens.Add(text[start..i]);
        }
        return tokens;
    }
}
