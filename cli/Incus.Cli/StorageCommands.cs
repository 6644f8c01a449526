using System.CommandLine;
using System.Text.Json;

namespace Incus.Cli;

/// <summary><c>incus storage</c>: create, list, show and delete storage pools.</summary>
public static class StorageCommands
{
    public static Command Build()
    {
        var command = new Command("storage", "Manage storage pools");

        var createName = new Argument<string>("name");
        var createDriver = new Argument<string>("driver") { Description = "Storage driver, such as dir" };
        var createConfig = new Argument<string[]>("key=value") { Arity = ArgumentArity.ZeroOrMore };
        var create = new Command("create", "Create a storage pool") { createName, createDriver, createConfig };
        create.SetAction(async (result, cancellationToken) =>
        {
            var body = new
            {
                name = result.GetValue(createName),
                driver = result.GetValue(createDriver),
                config = Commands.ParsePairs(result.GetValue(createConfig) ?? []),
            };
            using var client = IncusClient.Connect();
            await client.SendAsync(HttpMethod.Post, "/1.0/storage-pools", JsonSerializer.Serialize(body), cancellationToken).ConfigureAwait(false);
            Console.WriteLine($"Storage pool {body.name} created");
            return 0;
        });

        var listFormat = new Option<string>("--format", "-f") { DefaultValueFactory = _ => "table", Description = "table, csv, json or yaml" }
            .AcceptOnlyFromAmong(TableOutput.Formats);
        var list = new Command("list", "List storage pools") { listFormat };
        list.Aliases.Add("ls");
        list.SetAction(async (result, cancellationToken) =>
        {
            using var client = IncusClient.Connect();
            var pools = await client.GetAsync("/1.0/storage-pools?recursion=1", cancellationToken).ConfigureAwait(false);
            string format = result.GetValue(listFormat)!;
            if (format is "json" or "yaml")
            {
                Console.Write(OutputFormat.Render(pools, format) + (format == "json" ? "\n" : ""));
                return 0;
            }
            var rows = pools.EnumerateArray().Select(pool => (IReadOnlyList<string>)
            [
                pool.GetProperty("name").GetString()!,
                pool.GetProperty("driver").GetString()!,
                pool.GetProperty("description").GetString()!,
                pool.GetProperty("used_by").GetArrayLength().ToString(System.Globalization.CultureInfo.InvariantCulture),
                pool.GetProperty("status").GetString()!.ToUpperInvariant(),
            ]).ToList();
            Console.Write(TableOutput.Render(["NAME", "DRIVER", "DESCRIPTION", "USED BY", "STATE"], rows, format));
            return 0;
        });

        var showName = new Argument<string>("name");
        var show = new Command("show", "Show a storage pool") { showName };
        show.SetAction(async (result, cancellationToken) =>
        {
            using var client = IncusClient.Connect();
            var pool = await client.GetAsync($"/1.0/storage-pools/{Uri.EscapeDataString(result.GetValue(showName)!)}", cancellationToken).ConfigureAwait(false);
            Console.Write(OutputFormat.Render(pool, "yaml"));
            return 0;
        });

        var deleteName = new Argument<string>("name");
        var delete = new Command("delete", "Delete a storage pool") { deleteName };
        delete.Aliases.Add("rm");
        delete.SetAction(async (result, cancellationToken) =>
        {
            string name = result.GetValue(deleteName)!;
            using var client = IncusClient.Connect();
            await client.SendAsync(HttpMethod.Delete, $"/1.0/storage-pools/{Uri.EscapeDataString(name)}", null, cancellationToken).ConfigureAwait(false);
            Console.WriteLine($"Storage pool {name} deleted");
            return 0;
        });

        command.Subcommands.Add(create);
        command.Subcommands.Add(list);
        command.Subcommands.Add(show);
        command.Subcommands.Add(delete);
        return command;
    }
}
