using System.CommandLine;
using System.Text.Json;
using Incus.Api;

namespace Incus.Cli;

/// <summary><c>incus config trust add|list|remove</c>: the server's trusted client certificates and trust tokens.</summary>
public static class TrustCommands
{
    public static Command Build()
    {
        var command = new Command("trust", "Manage trusted clients");
        command.Subcommands.Add(Add());
        command.Subcommands.Add(List());
        command.Subcommands.Add(Remove());
        return command;
    }

    private static Command Add()
    {
        var name = new Argument<string>("name") { Description = "Name for the client that will use the token" };
        var command = new Command("add", "Create a one-time trust token for a new client") { name };
        command.SetAction(async (result, cancellationToken) =>
        {
            using var client = IncusClient.Connect();
            string clientName = result.GetValue(name)!;
            var envelope = await client.SendStreamAsync(HttpMethod.Post, "/1.0/certificates",
                new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(new { name = clientName, type = "client", token = true })),
                new Dictionary<string, string>(), cancellationToken, "application/json").ConfigureAwait(false);
            var metadata = envelope.Metadata?.GetProperty("metadata") ?? throw new CliException("the server answered without a token");
            var token = new TrustToken(
                metadata.GetProperty("request").GetProperty("name").GetString()!,
                metadata.GetProperty("fingerprint").GetString()!,
                metadata.GetProperty("addresses").EnumerateArray().Select(a => a.GetString()!).ToList(),
                metadata.GetProperty("secret").GetString()!,
                metadata.GetProperty("expiresAt").GetDateTimeOffset());
            Console.WriteLine($"Client {clientName} certificate add token (expires {token.ExpiresAt:u}):");
            Console.WriteLine(token.Encode());
            return 0;
        });
        return command;
    }

    private static Command List()
    {
        var format = new Option<string>("--format", "-f") { DefaultValueFactory = _ => "table", Description = "table, csv, json or yaml" }
            .AcceptOnlyFromAmong(TableOutput.Formats);
        var command = new Command("list", "List trusted clients") { format };
        command.Aliases.Add("ls");
        command.SetAction(async (result, cancellationToken) =>
        {
            using var client = IncusClient.Connect();
            var certificates = await client.GetAsync("/1.0/certificates?recursion=1", cancellationToken).ConfigureAwait(false);
            string chosen = result.GetValue(format)!;
            if (chosen is "json" or "yaml")
            {
                Console.Write(OutputFormat.Render(certificates, chosen) + (chosen == "json" ? "\n" : ""));
                return 0;
            }
            var rows = certificates.EnumerateArray().Select(c => (IReadOnlyList<string>)
            [
                c.GetProperty("type").GetString()!,
                c.GetProperty("name").GetString()!,
                c.GetProperty("fingerprint").GetString()![..12],
                c.GetProperty("restricted").GetBoolean() ? "YES" : "NO",
                string.Join(',', c.GetProperty("projects").EnumerateArray().Select(p => p.GetString())),
            ]).ToList();
            Console.Write(TableOutput.Render(["TYPE", "NAME", "FINGERPRINT", "RESTRICTED", "PROJECTS"], rows, chosen));
            return 0;
        });
        return command;
    }

    private static Command Remove()
    {
        var fingerprint = new Argument<string>("fingerprint") { Description = "The certificate's fingerprint, or a unique prefix of it" };
        var command = new Command("remove", "Remove a trusted client") { fingerprint };
        command.Aliases.Add("rm");
        command.SetAction(async (result, cancellationToken) =>
        {
            using var client = IncusClient.Connect();
            await client.SendAsync(HttpMethod.Delete, $"/1.0/certificates/{Uri.EscapeDataString(result.GetValue(fingerprint)!)}", null, cancellationToken)
                .ConfigureAwait(false);
            return 0;
        });
        return command;
    }
}
