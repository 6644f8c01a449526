using System.CommandLine;
using System.Globalization;
using System.Text.Json;

namespace Incus.Cli;

/// <summary><c>incus network</c>: create, list, show, get, set, unset, edit, delete and list-leases.</summary>
public static class NetworkCommands
{
    public static Command Build()
    {
        var command = new Command("network", "Manage networks");
        command.Subcommands.Add(Create());
        command.Subcommands.Add(List());
        command.Subcommands.Add(Show());
        command.Subcommands.Add(Get());
        command.Subcommands.Add(Set());
        command.Subcommands.Add(Unset());
        command.Subcommands.Add(Edit());
        command.Subcommands.Add(Delete());
        command.Subcommands.Add(ListLeases());
        return command;
    }

    private static string Url(string name) => $"/1.0/networks/{Uri.EscapeDataString(name)}";

    private static Command Create()
    {
        var name = new Argument<string>("network");
        var pairs = new Argument<string[]>("key=value") { Arity = ArgumentArity.ZeroOrMore };
        var type = new Option<string>("--type", "-t") { DefaultValueFactory = _ => "bridge", Description = "Network type" };
        var description = new Option<string?>("--description") { Description = "Network description" };
        var create = new Command("create", "Create a managed network") { name, pairs, type, description };
        create.SetAction(async (result, cancellationToken) =>
        {
            var body = new
            {
                name = result.GetValue(name),
                type = result.GetValue(type),
                description = result.GetValue(description) ?? "",
                config = Commands.ParsePairs(result.GetValue(pairs) ?? []),
            };
            using var client = IncusClient.Connect();
            await client.SendAsync(HttpMethod.Post, "/1.0/networks", JsonSerializer.Serialize(body), cancellationToken).ConfigureAwait(false);
            Console.WriteLine($"Network {body.name} created");
            return 0;
        });
        return create;
    }

    private static Command List()
    {
        var format = new Option<string>("--format", "-f") { DefaultValueFactory = _ => "table", Description = "table, csv, json or yaml" }
            .AcceptOnlyFromAmong(TableOutput.Formats);
        var list = new Command("list", "List networks") { format };
        list.Aliases.Add("ls");
        list.SetAction(async (result, cancellationToken) =>
        {
            using var client = IncusClient.Connect();
            var networks = await client.GetAsync("/1.0/networks?recursion=1", cancellationToken).ConfigureAwait(false);
            string chosen = result.GetValue(format)!;
            if (chosen is "json" or "yaml")
            {
                Console.Write(OutputFormat.Render(networks, chosen) + (chosen == "json" ? "\n" : ""));
                return 0;
            }
            var rows = networks.EnumerateArray().Select(network =>
            {
                var config = network.GetProperty("config");
                string Key(string key) => config.TryGetProperty(key, out var value) ? value.GetString() ?? "" : "";
                bool managed = network.GetProperty("managed").GetBoolean();
                return (IReadOnlyList<string>)
                [
                    network.GetProperty("name").GetString()!,
                    network.GetProperty("type").GetString()!,
                    managed ? "YES" : "NO",
                    Key("ipv4.address"),
                    Key("ipv6.address"),
                    network.GetProperty("description").GetString()!,
                    network.GetProperty("used_by").GetArrayLength().ToString(CultureInfo.InvariantCulture),
                    managed ? network.GetProperty("status").GetString()!.ToUpperInvariant() : "",
                ];
            }).ToList();
            Console.Write(TableOutput.Render(["NAME", "TYPE", "MANAGED", "IPV4", "IPV6", "DESCRIPTION", "USED BY", "STATE"], rows, chosen));
            return 0;
        });
        return list;
    }

    private static Command Show()
    {
        var name = new Argument<string>("network");
        var show = new Command("show", "Show a network's configuration") { name };
        show.SetAction(async (result, cancellationToken) =>
        {
            using var client = IncusClient.Connect();
            var network = await client.GetAsync(Url(result.GetValue(name)!), cancellationToken).ConfigureAwait(false);
            Console.Write(OutputFormat.Render(network, "yaml"));
            return 0;
        });
        return show;
    }

    private static Command Get()
    {
        var name = new Argument<string>("network");
        var key = new Argument<string>("key");
        var get = new Command("get", "Get a network configuration key") { name, key };
        get.SetAction(async (result, cancellationToken) =>
        {
            using var client = IncusClient.Connect();
            var network = await client.GetAsync(Url(result.GetValue(name)!), cancellationToken).ConfigureAwait(false);
            Console.WriteLine(network.GetProperty("config").TryGetProperty(result.GetValue(key)!, out var value) ? value.GetString() : "");
            return 0;
        });
        return get;
    }

    private static Command Set()
    {
        var name = new Argument<string>("network");
        var pairs = new Argument<string[]>("key=value") { Arity = ArgumentArity.OneOrMore };
        var set = new Command("set", "Set network configuration keys") { name, pairs };
        set.SetAction(async (result, cancellationToken) =>
        {
            var config = Commands.ParsePairs(result.GetValue(pairs) ?? []);
            using var client = IncusClient.Connect();
            await client.SendAsync(HttpMethod.Patch, Url(result.GetValue(name)!), JsonSerializer.Serialize(new { config }), cancellationToken).ConfigureAwait(false);
            return 0;
        });
        return set;
    }

    private static Command Unset()
    {
        var name = new Argument<string>("network");
        var key = new Argument<string>("key");
        var unset = new Command("unset", "Unset a network configuration key") { name, key };
        unset.SetAction(async (result, cancellationToken) =>
        {
            // PATCH with an empty value removes the key, as in Incus.
            var config = new Dictionary<string, string> { [result.GetValue(key)!] = "" };
            using var client = IncusClient.Connect();
            await client.SendAsync(HttpMethod.Patch, Url(result.GetValue(name)!), JsonSerializer.Serialize(new { config }), cancellationToken).ConfigureAwait(false);
            return 0;
        });
        return unset;
    }

    private static Command Edit()
    {
        var name = new Argument<string>("network");
        var edit = new Command("edit", "Edit a network as YAML (from standard input, or in $VISUAL/$EDITOR)") { name };
        edit.SetAction(async (result, cancellationToken) =>
        {
            string network = result.GetValue(name)!;
            using var client = IncusClient.Connect();
            // The ETag is taken before the new YAML is read, so a change made meanwhile makes the PUT fail with 412.
            var (current, etag) = await client.GetWithEtagAsync(Url(network), cancellationToken).ConfigureAwait(false);
            await ConfigEditor.EditAsync($"network {network}", OutputFormat.Render(current, "yaml"), "description and config", async (text, token) =>
            {
                var edited = EditedDocument.Parse(text);
                string body = JsonSerializer.Serialize(new { description = edited.Text("description"), config = edited.Map("config") });
                await client.PutIfMatchAsync(Url(network), body, etag, token).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);
            return 0;
        });
        return edit;
    }

    private static Command Delete()
    {
        var name = new Argument<string>("network");
        var delete = new Command("delete", "Delete a managed network") { name };
        delete.Aliases.Add("rm");
        delete.SetAction(async (result, cancellationToken) =>
        {
            using var client = IncusClient.Connect();
            await client.SendAsync(HttpMethod.Delete, Url(result.GetValue(name)!), null, cancellationToken).ConfigureAwait(false);
            Console.WriteLine($"Network {result.GetValue(name)} deleted");
            return 0;
        });
        return delete;
    }

    private static Command ListLeases()
    {
        var name = new Argument<string>("network");
        var format = new Option<string>("--format", "-f") { DefaultValueFactory = _ => "table", Description = "table, csv, json or yaml" }
            .AcceptOnlyFromAmong(TableOutput.Formats);
        var leases = new Command("list-leases", "List a network's DHCP leases") { name, format };
        leases.SetAction(async (result, cancellationToken) =>
        {
            using var client = IncusClient.Connect();
            var all = await client.GetAsync($"{Url(result.GetValue(name)!)}/leases", cancellationToken).ConfigureAwait(false);
            string chosen = result.GetValue(format)!;
            if (chosen is "json" or "yaml")
            {
                Console.Write(OutputFormat.Render(all, chosen) + (chosen == "json" ? "\n" : ""));
                return 0;
            }
            var rows = all.EnumerateArray().Select(lease => (IReadOnlyList<string>)
            [
                lease.GetProperty("hostname").GetString()!,
                lease.GetProperty("hwaddr").GetString()!,
                lease.GetProperty("address").GetString()!,
                lease.GetProperty("type").GetString()!.ToUpperInvariant(),
            ]).ToList();
            Console.Write(TableOutput.Render(["HOSTNAME", "MAC ADDRESS", "IP ADDRESS", "TYPE"], rows, chosen));
            return 0;
        });
        return leases;
    }
}
