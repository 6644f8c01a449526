using System.CommandLine;
using System.Text.Json;

namespace Incus.Cli;

/// <summary><c>incus profile</c>: list, show, create, delete, set, unset, edit and devices.</summary>
public static class ProfileCommands
{
    public static Command Build()
    {
        var command = new Command("profile", "Manage profiles");
        command.Subcommands.Add(List());
        command.Subcommands.Add(Show());
        command.Subcommands.Add(Simple("create", "Create a profile", (client, name, ct) =>
            client.SendAsync(HttpMethod.Post, "/1.0/profiles", JsonSerializer.Serialize(new { name }), ct), "Profile {0} created"));
        command.Subcommands.Add(Simple("delete", "Delete a profile", (client, name, ct) =>
            client.SendAsync(HttpMethod.Delete, Url(name), null, ct), "Profile {0} deleted"));
        command.Subcommands.Add(Set());
        command.Subcommands.Add(Unset());
        command.Subcommands.Add(Edit());
        command.Subcommands.Add(Device());
        command.Subcommands.Add(Assign());
        return command;
    }

    private static string Url(string name) => $"/1.0/profiles/{Uri.EscapeDataString(name)}";

    private static Command Simple(string verb, string description, Func<IncusClient, string, CancellationToken, Task> action, string done)
    {
        var name = new Argument<string>("profile");
        var command = new Command(verb, description) { name };
        command.SetAction(async (result, cancellationToken) =>
        {
            using var client = IncusClient.Connect();
            await action(client, result.GetValue(name)!, cancellationToken).ConfigureAwait(false);
            Console.WriteLine(string.Format(System.Globalization.CultureInfo.InvariantCulture, done, result.GetValue(name)));
            return 0;
        });
        return command;
    }

    private static Command List()
    {
        var format = new Option<string>("--format", "-f") { DefaultValueFactory = _ => "table", Description = "table, csv, json or yaml" }
            .AcceptOnlyFromAmong(TableOutput.Formats);
        var list = new Command("list", "List profiles") { format };
        list.Aliases.Add("ls");
        list.SetAction(async (result, cancellationToken) =>
        {
            using var client = IncusClient.Connect();
            var profiles = await client.GetAsync("/1.0/profiles?recursion=1", cancellationToken).ConfigureAwait(false);
            string chosen = result.GetValue(format)!;
            if (chosen is "json" or "yaml")
            {
                Console.Write(OutputFormat.Render(profiles, chosen) + (chosen == "json" ? "\n" : ""));
                return 0;
            }
            var rows = profiles.EnumerateArray().Select(p => (IReadOnlyList<string>)
            [
                p.GetProperty("name").GetString()!,
                p.GetProperty("description").GetString()!,
                p.GetProperty("used_by").GetArrayLength().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ]).ToList();
            Console.Write(TableOutput.Render(["NAME", "DESCRIPTION", "USED BY"], rows, chosen));
            return 0;
        });
        return list;
    }

    private static Command Show()
    {
        var name = new Argument<string>("profile");
        var show = new Command("show", "Show a profile") { name };
        show.SetAction(async (result, cancellationToken) =>
        {
            using var client = IncusClient.Connect();
            Console.Write(OutputFormat.Render(await client.GetAsync(Url(result.GetValue(name)!), cancellationToken).ConfigureAwait(false), "yaml"));
            return 0;
        });
        return show;
    }

    private static Command Set()
    {
        var name = new Argument<string>("profile");
        var pairs = new Argument<string[]>("key=value") { Arity = ArgumentArity.OneOrMore };
        var set = new Command("set", "Set profile configuration keys") { name, pairs };
        set.SetAction(async (result, cancellationToken) =>
        {
            using var client = IncusClient.Connect();
            await client.SendAsync(HttpMethod.Patch, Url(result.GetValue(name)!),
                JsonSerializer.Serialize(new { config = Commands.ParsePairs(result.GetValue(pairs)!) }), cancellationToken).ConfigureAwait(false);
            return 0;
        });
        return set;
    }

    private static Command Unset()
    {
        var name = new Argument<string>("profile");
        var key = new Argument<string>("key");
        var unset = new Command("unset", "Unset a profile configuration key") { name, key };
        unset.SetAction(async (result, cancellationToken) =>
        {
            using var client = IncusClient.Connect();
            await client.SendAsync(HttpMethod.Patch, Url(result.GetValue(name)!),
                JsonSerializer.Serialize(new { config = new Dictionary<string, string> { [result.GetValue(key)!] = "" } }), cancellationToken).ConfigureAwait(false);
            return 0;
        });
        return unset;
    }

    private static Command Edit()
    {
        var name = new Argument<string>("profile");
        var edit = new Command("edit", "Edit a profile as YAML (from standard input, or in $VISUAL/$EDITOR)") { name };
        edit.SetAction(async (result, cancellationToken) =>
        {
            string profile = result.GetValue(name)!;
            using var client = IncusClient.Connect();
            // The ETag is taken before the new YAML is read, so a change made meanwhile makes the PUT fail with 412.
            var (current, etag) = await client.GetWithEtagAsync(Url(profile), cancellationToken).ConfigureAwait(false);
            await ConfigEditor.EditAsync($"profile {profile}", OutputFormat.Render(current, "yaml"), "description, config and devices", async (text, token) =>
            {
                var edited = EditedDocument.Parse(text);
                string body = JsonSerializer.Serialize(new
                {
                    description = edited.Text("description"),
                    config = edited.Map("config"),
                    devices = edited.Devices("devices"),
                });
                await client.PutIfMatchAsync(Url(profile), body, etag, token).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);
            return 0;
        });
        return edit;
    }

    private static Command Assign()
    {
        var instance = new Argument<string>("instance");
        var profiles = new Argument<string>("profiles") { Description = "Comma-separated profiles, in order" };
        var assign = new Command("assign", "Set an instance's profiles") { instance, profiles };
        assign.SetAction(async (result, cancellationToken) =>
        {
            var list = result.GetValue(profiles)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            using var client = IncusClient.Connect();
            await client.SendAsync(HttpMethod.Patch, $"/1.0/instances/{Uri.EscapeDataString(result.GetValue(instance)!)}",
                JsonSerializer.Serialize(new { profiles = list }), cancellationToken).ConfigureAwait(false);
            Console.WriteLine($"Profiles {string.Join(", ", list)} applied to {result.GetValue(instance)}");
            return 0;
        });
        return assign;
    }

    private static Command Device()
    {
        var command = new Command("device", "Manage a profile's devices");

        var addProfile = new Argument<string>("profile");
        var addName = new Argument<string>("device");
        var addType = new Argument<string>("type");
        var addPairs = new Argument<string[]>("key=value") { Arity = ArgumentArity.ZeroOrMore };
        var add = new Command("add", "Add a device") { addProfile, addName, addType, addPairs };
        add.SetAction(async (result, cancellationToken) =>
        {
            string device = result.GetValue(addName)!;
            using var client = IncusClient.Connect();
            var profile = await client.GetAsync(Url(result.GetValue(addProfile)!), cancellationToken).ConfigureAwait(false);
            if (profile.GetProperty("devices").TryGetProperty(device, out _))
            {
                throw new CliException($"The device already exists");
            }
            var keys = Commands.ParsePairs(result.GetValue(addPairs) ?? []);
            keys["type"] = result.GetValue(addType)!;
            await client.SendAsync(HttpMethod.Patch, Url(result.GetValue(addProfile)!),
                JsonSerializer.Serialize(new { devices = new Dictionary<string, Dictionary<string, string>> { [device] = keys } }), cancellationToken).ConfigureAwait(false);
            Console.WriteLine($"Device {device} added to {result.GetValue(addProfile)}");
            return 0;
        });

        var removeProfile = new Argument<string>("profile");
        var removeName = new Argument<string>("device");
        var remove = new Command("remove", "Remove a device") { removeProfile, removeName };
        remove.SetAction(async (result, cancellationToken) =>
        {
            string device = result.GetValue(removeName)!;
            using var client = IncusClient.Connect();
            var profile = await client.GetAsync(Url(result.GetValue(removeProfile)!), cancellationToken).ConfigureAwait(false);
            var devices = profile.GetProperty("devices").EnumerateObject().ToDictionary(d => d.Name, d => d.Value);
            if (!devices.Remove(device))
            {
                throw new CliException("The device doesn't exist");
            }
            await client.SendAsync(HttpMethod.Put, Url(result.GetValue(removeProfile)!), JsonSerializer.Serialize(new
            {
                description = profile.GetProperty("description"),
                config = profile.GetProperty("config"),
                devices,
            }), cancellationToken).ConfigureAwait(false);
            Console.WriteLine($"Device {device} removed from {result.GetValue(removeProfile)}");
            return 0;
        });

        var showProfile = new Argument<string>("profile");
        var show = new Command("show", "Show a profile's devices") { showProfile };
        show.SetAction(async (result, cancellationToken) =>
        {
            using var client = IncusClient.Connect();
            var profile = await client.GetAsync(Url(result.GetValue(showProfile)!), cancellationToken).ConfigureAwait(false);
            Console.Write(OutputFormat.Render(profile.GetProperty("devices"), "yaml"));
            return 0;
        });

        command.Subcommands.Add(add);
        command.Subcommands.Add(remove);
        command.Subcommands.Add(show);
        return command;
    }
}
