using System.Text.Json;
using System.Text.Json.Nodes;

namespace Incus.Helpers.Net;

/// <summary>
/// Checks an nftables JSON batch from the core before <c>nft -j -f -</c> sees it. Only tables
/// <c>incus</c> and <c>incus-</c>… (the NIC filter shards) may be touched, only object-level commands are allowed (no <c>flush ruleset</c>, no
/// listing), and the document is re-serialised from the parsed form.
/// </summary>
public static class NftablesBatchValidator
{
    public const string Table = "incus";
    public const int MaxCommands = 4096;
    private static readonly HashSet<string> Commands = ["add", "create", "insert", "replace", "delete", "flush"];
    private static readonly HashSet<string> Objects = ["table", "chain", "rule", "set", "map", "element"];
    private static readonly HashSet<string> Families = ["inet", "ip", "ip6", "bridge", "netdev", "arp"];

    /// <summary>The batch to hand to nft; throws <see cref="HelperRequestException"/> when it is refused.</summary>
    public static string Validate(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            throw new HelperRequestException("json: missing");
        }
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException ex)
        {
            throw new HelperRequestException($"json: not valid JSON ({ex.Message})");
        }
        if (root is not JsonObject document || document.Count != 1 || document["nftables"] is not JsonArray commands)
        {
            throw new HelperRequestException("json: expected {\"nftables\": [...]}");
        }
        if (commands.Count is 0 or > MaxCommands)
        {
            throw new HelperRequestException($"json: {commands.Count} commands; 1 to {MaxCommands} are allowed");
        }
        var kept = new JsonArray();
        foreach (var command in commands.ToList())
        {
            if (command is not JsonObject { Count: 1 } entry)
            {
                throw new HelperRequestException("json: every command is an object with one member");
            }
            var (verb, body) = entry.Single();
            if (verb == "metainfo")
            {
                continue;
            }
            if (!Commands.Contains(verb) || body is not JsonObject { Count: 1 } target)
            {
                throw new HelperRequestException($"json: command \"{RequestValidation.Printable(verb)}\" is not allowed (allowed: {string.Join(", ", Commands)} of a table, chain, rule, set, map or element)");
            }
            var (kind, spec) = target.Single();
            if (!Objects.Contains(kind) || spec is not JsonObject fields)
            {
                throw new HelperRequestException($"json: \"{RequestValidation.Printable(verb)} {RequestValidation.Printable(kind)}\" is not allowed");
            }
            string family = Text(fields, "family");
            if (!Families.Contains(family))
            {
                throw new HelperRequestException($"json: family \"{RequestValidation.Printable(family)}\" is not allowed");
            }
            string table = kind == "table" ? Text(fields, "name") : Text(fields, "table");
            if (!IsOurs(table))
            {
                throw new HelperRequestException($"json: only the tables \"{Table}\" and \"{Table}-…\" may be changed, not \"{RequestValidation.Printable(table)}\"");
            }
            foreach (string nameField in new[] { "chain", "name" })
            {
                if (kind != "table" && fields[nameField] is JsonValue)
                {
                    Identifier(Text(fields, nameField), nameField);
                }
            }
            entry.Remove(verb);
            // The JsonNode overload: the generic one wraps arbitrary values through reflection.
            kept.Add((JsonNode)new JsonObject { [verb] = body });
        }
        return new JsonObject { ["nftables"] = kept }.ToJsonString();
    }

    /// <summary><c>incus</c>, or <c>incus-</c> and up to 8 lowercase letters and digits.</summary>
    private static bool IsOurs(string table) =>
        table == Table
        || (table.Length is > 6 and <= 14 && table.StartsWith(Table + "-", StringComparison.Ordinal) && table[6..].All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c)));

    private static string Text(JsonObject fields, string name) =>
        fields[name] is JsonValue value && value.TryGetValue(out string? text) ? text : throw new HelperRequestException($"json: \"{name}\" missing or not a string");

    private static void Identifier(string value, string field)
    {
        if (value.Length is 0 or > 64 || value.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-')))
        {
            throw new HelperRequestException($"json: {field} \"{RequestValidation.Printable(value)}\" is not a plain identifier");
        }
    }

    public const int MaxQueryObjects = 16;
    private static readonly HashSet<string> ListableKinds = ["chain", "map", "set"];

    /// <summary>The objects of a listing request, each checked; throws <see cref="HelperRequestException"/> when refused.</summary>
    public static IReadOnlyList<(string Family, string Table, string Kind, string Name)> ValidateQuery(Incus.Sdk.Helpers.NftablesQuery query)
    {
        if (query.Objects is null || query.Objects.Count is 0 or > MaxQueryObjects)
        {
            throw new HelperRequestException($"objects: 1 to {MaxQueryObjects} are allowed");
        }
        var result = new List<(string, string, string, string)>();
        foreach (var entry in query.Objects)
        {
            if (entry is null || !Families.Contains(entry.Family ?? "") || !ListableKinds.Contains(entry.Kind ?? ""))
            {
                throw new HelperRequestException($"objects: only a chain, map or set of a family in {string.Join(", ", Families)} may be listed");
            }
            Identifier(entry.Name ?? "", "name");
            if (!char.IsAsciiLetter(entry.Name![0]))
            {
                // The name becomes an argument of nft; one starting with '-' would be read as an option.
                throw new HelperRequestException("objects: a name must start with a letter");
            }
            string table = entry.Table ?? Table;
            if (!IsOurs(table))
            {
                throw new HelperRequestException($"objects: only the tables \"{Table}\" and \"{Table}-…\" may be listed");
            }
            result.Add((entry.Family!, table, entry.Kind!, entry.Name!));
        }
        return result;
    }
}
