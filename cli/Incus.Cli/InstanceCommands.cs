using System.CommandLine;
using System.Text.Json;

namespace Incus.Cli;

/// <summary><c>incus launch|init|start|stop|restart|delete|list|info</c> for containers.</summary>
public static class InstanceCommands
{
    public static IEnumerable<Command> Build()
    {
        yield return Create("launch", "Create and start an instance from an image", start: true);
        yield return Create("init", "Create an instance from an image", start: false);
        yield return StateChange("start", "Start an instance", "start");
        yield return StateChange("stop", "Stop an instance", "stop");
        yield return StateChange("restart", "Restart an instance", "restart");
        yield return Delete();
        yield return List();
    }

    private static string Url(string name) => $"/1.0/instances/{Uri.EscapeDataString(name)}";

    private static Command Create(string verb, string description, bool start)
    {
        var image = new Argument<string>("image") { Description = "Image alias or fingerprint" };
        var name = new Argument<string>("name");
        var profiles = new Option<string[]>("--profile", "-p") { Description = "Profile to apply (repeatable)" };
        var config = new Option<string[]>("--config", "-c") { Description = "Config key=value (repeatable)" };
        var command = new Command(verb, description) { image, name, profiles, config };
        command.SetAction(async (result, cancellationToken) =>
        {
            string instance = result.GetValue(name)!;
            var chosenProfiles = result.GetValue(profiles) is { Length: > 0 } p ? p : ["default"];
            var body = JsonSerializer.Serialize(new
            {
                name = instance,
                source = new { type = "image", alias = result.GetValue(image) },
                profiles = chosenProfiles,
                config = Commands.ParsePairs(result.GetValue(config) ?? []),
                start,
            });
            using var client = IncusClient.Connect();
            Console.WriteLine($"Creating {instance}");
            var envelope = await client.SendStreamAsync(HttpMethod.Post, "/1.0/instances", new MemoryStream(System.Text.Encoding.UTF8.GetBytes(body)),
                new Dictionary<string, string>(), cancellationToken, "application/json").ConfigureAwait(false);
            await client.WaitAsync(envelope.Operation, cancellationToken).ConfigureAwait(false);
            var created = await client.GetAsync(Url(instance), cancellationToken).ConfigureAwait(false);
            if (created.GetProperty("expanded_config").TryGetProperty("security.privileged", out var privileged) && privileged.GetString() == "true")
            {
                WarnPrivileged(instance);
            }
            if (start)
            {
                Console.WriteLine($"Starting {instance}");
            }
            return 0;
        });
        return command;
    }

    private static Command StateChange(string verb, string description, string action)
    {
        var name = new Argument<string>("name");
        var force = new Option<bool>("--force", "-f") { Description = "Stop at once (kill)" };
        var command = new Command(verb, description) { name };
        if (action != "start")
        {
            command.Options.Add(force);
        }
        command.SetAction(async (result, cancellationToken) =>
        {
            using var client = IncusClient.Connect();
            await ChangeStateAsync(client, result.GetValue(name)!, action, action != "start" && result.GetValue(force), cancellationToken).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    private static async Task ChangeStateAsync(IncusClient client, string name, string action, bool force, CancellationToken cancellationToken)
    {
        string body = JsonSerializer.Serialize(new { action, force, timeout = force ? 0 : -1 });
        var envelope = await client.SendStreamAsync(HttpMethod.Put, $"{Url(name)}/state", new MemoryStream(System.Text.Encoding.UTF8.GetBytes(body)),
            new Dictionary<string, string>(), cancellationToken, "application/json").ConfigureAwait(false);
        await client.WaitAsync(envelope.Operation, cancellationToken).ConfigureAwait(false);
    }

    private static Command Delete()
    {
        var name = new Argument<string>("name");
        var force = new Option<bool>("--force", "-f") { Description = "Stop the instance first if it runs" };
        var delete = new Command("delete", "Delete an instance") { name, force };
        delete.Aliases.Add("rm");
        delete.SetAction(async (result, cancellationToken) =>
        {
            string instance = result.GetValue(name)!;
            using var client = IncusClient.Connect();
            var state = await client.GetAsync($"{Url(instance)}/state", cancellationToken).ConfigureAwait(false);
            if (state.GetProperty("status").GetString() == "Running")
            {
                if (!result.GetValue(force))
                {
                    throw new CliException("The instance is currently running, stop it first or pass --force");
                }
                await ChangeStateAsync(client, instance, "stop", force: true, cancellationToken).ConfigureAwait(false);
            }
            var envelope = await client.SendStreamAsync(HttpMethod.Delete, Url(instance), Stream.Null, new Dictionary<string, string>(), cancellationToken)
                .ConfigureAwait(false);
            await client.WaitAsync(envelope.Operation, cancellationToken).ConfigureAwait(false);
            return 0;
        });
        return delete;
    }

    /// <summary>The global addresses of one family, one per line as "address (interface)", as Incus lists them.</summary>
    private static string Addresses(JsonElement instance, string family)
    {
        if (!instance.TryGetProperty("state", out var state) || state.ValueKind != JsonValueKind.Object
            || !state.TryGetProperty("network", out var network) || network.ValueKind != JsonValueKind.Object)
        {
            return "";
        }
        var lines = new List<string>();
        foreach (var nic in network.EnumerateObject().Where(n => n.Name != "lo"))
        {
            foreach (var address in nic.Value.GetProperty("addresses").EnumerateArray())
            {
                if (address.GetProperty("family").GetString() == family && address.GetProperty("scope").GetString() == "global")
                {
                    lines.Add($"{address.GetProperty("address").GetString()} ({nic.Name})");
                }
            }
        }
        return string.Join('\n', lines);
    }

    private static Command List()
    {
        var format = new Option<string>("--format", "-f") { DefaultValueFactory = _ => "table", Description = "table, csv, json or yaml" }
            .AcceptOnlyFromAmong(TableOutput.Formats);
        var remote = new Argument<string?>("remote:") { Arity = ArgumentArity.ZeroOrOne, Description = "List the instances of this remote (remote:)" };
        var columns = new Option<string>("--columns", "-c")
        {
            DefaultValueFactory = _ => InstanceListColumns.Default,
            Description = "Columns, one letter each: n name, s state, 4 IPv4, 6 IPv6, t type, S snapshots, p PID, P profiles, c created at",
        };
        var list = new Command("list", "List instances") { remote, format, columns };
        list.Aliases.Add("ls");
        list.SetAction(async (result, cancellationToken) =>
        {
            string? remoteName = null;
            if (result.GetValue(remote) is { Length: > 0 } given)
            {
                var (name, rest) = RemoteCommands.Split(given);
                if (name is null || rest.Length > 0)
                {
                    throw new CliException($"Expected \"<remote>:\", got \"{given}\"");
                }
                remoteName = name;
            }
            using var client = IncusClient.Connect(remoteName);
            var instances = await client.GetAsync("/1.0/instances?recursion=2", cancellationToken).ConfigureAwait(false);
            string chosen = result.GetValue(format)!;
            if (chosen is "json" or "yaml")
            {
                Console.Write(OutputFormat.Render(instances, chosen) + (chosen == "json" ? "\n" : ""));
                return 0;
            }
            var chosenColumns = InstanceListColumns.Parse(result.GetValue(columns)!);
            var rows = instances.EnumerateArray()
                .Select(i => (IReadOnlyList<string>)chosenColumns.Select(c => InstanceListColumns.Cell(c, i, Addresses)).ToList()).ToList();
            Console.Write(TableOutput.Render(chosenColumns.Select(InstanceListColumns.Header).ToList(), rows, chosen));
            return 0;
        });
        return list;
    }

    /// <summary>Said whenever the CLI makes an instance privileged, at launch or by config set.</summary>
    public static void WarnPrivileged(string instance) =>
        Console.Error.WriteLine($"WARNING: {instance} is privileged (security.privileged=true): its root is the host's root, and it can escape to or DoS the host.");

    /// <summary>What <c>incus info NAME</c> prints for an instance.</summary>
    public static async Task PrintInfoAsync(IncusClient client, string name, CancellationToken cancellationToken)
    {
        var instance = await client.GetAsync($"{Url(name)}?recursion=1", cancellationToken).ConfigureAwait(false);
        Console.WriteLine($"Name: {instance.GetProperty("name").GetString()}");
        Console.WriteLine($"Status: {instance.GetProperty("status").GetString()!.ToUpperInvariant()}");
        Console.WriteLine($"Type: {instance.GetProperty("type").GetString()}");
        Console.WriteLine($"Architecture: {instance.GetProperty("architecture").GetString()}");
        if (instance.TryGetProperty("state", out var state) && state.GetProperty("pid").GetInt64() > 0)
        {
            Console.WriteLine($"PID: {state.GetProperty("pid").GetInt64()}");
        }
    }
}
