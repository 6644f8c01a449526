using System.CommandLine;
using System.Text.Json;

namespace Incus.Cli;

/// <summary>
/// <c>incus config</c>: the server's config, or an instance's when the first argument names one, and
/// <c>incus config device</c> for instance devices, with Incus's rules for profile devices.
/// </summary>
public static class ConfigCommands
{
    public static Command Build()
    {
        var command = new Command("config", "Manage server and instance configuration");
        command.Subcommands.Add(Show());
        command.Subcommands.Add(Get());
        command.Subcommands.Add(Set());
        command.Subcommands.Add(Unset());
        command.Subcommands.Add(Edit());
        command.Subcommands.Add(DeviceCommands());
        command.Subcommands.Add(TrustCommands.Build());
        return command;
    }

    private static string Url(string instance) => $"/1.0/instances/{Uri.EscapeDataString(instance)}";

    private static async Task<bool> IsInstanceAsync(IncusClient client, string name, CancellationToken cancellationToken) =>
        !name.Contains('=') && await client.ExistsAsync(Url(name), cancellationToken).ConfigureAwait(false);

    private static Command Show()
    {
        var target = new Argument<string?>("instance") { Arity = ArgumentArity.ZeroOrOne };
        var show = new Command("show", "Show the server's or an instance's configuration") { target };
        show.SetAction(async (result, cancellationToken) =>
        {
            using var client = IncusClient.Connect();
            if (result.GetValue(target) is { Length: > 0 } instance)
            {
                var found = await client.GetAsync(Url(instance), cancellationToken).ConfigureAwait(false);
                Console.Write(InstanceYaml(found));
                return 0;
            }
            var info = await client.GetAsync("/1.0", cancellationToken).ConfigureAwait(false);
            Console.Write(ServerYaml(info));
            return 0;
        });
        return show;
    }

    /// <summary>An instance's writable fields, as show prints them and edit offers them.</summary>
    private static string InstanceYaml(JsonElement instance) => OutputFormat.Render(JsonSerializer.SerializeToElement(new Dictionary<string, JsonElement>
    {
        ["architecture"] = instance.GetProperty("architecture"),
        ["config"] = instance.GetProperty("config"),
        ["devices"] = instance.GetProperty("devices"),
        ["ephemeral"] = instance.GetProperty("ephemeral"),
        ["profiles"] = instance.GetProperty("profiles"),
        ["description"] = instance.GetProperty("description"),
    }), "yaml");

    private static string ServerYaml(JsonElement server) =>
        OutputFormat.Render(JsonSerializer.SerializeToElement(new { config = server.GetProperty("config") }), "yaml");

    private static Command Edit()
    {
        var target = new Argument<string?>("instance") { Arity = ArgumentArity.ZeroOrOne };
        var edit = new Command("edit", "Edit the server's or an instance's configuration as YAML (from standard input, or in $VISUAL/$EDITOR)") { target };
        edit.SetAction(async (result, cancellationToken) =>
        {
            using var client = IncusClient.Connect();
            // The ETag is taken before the new YAML is read, so a change made meanwhile makes the PUT fail with 412.
            if (result.GetValue(target) is { Length: > 0 } instance)
            {
                var (found, etag) = await client.GetWithEtagAsync(Url(instance), cancellationToken).ConfigureAwait(false);
                await ConfigEditor.EditAsync($"instance {instance}", InstanceYaml(found),
                    "architecture, config, devices, ephemeral, profiles and description", async (text, token) =>
                    {
                        var edited = EditedDocument.Parse(text);
                        string body = JsonSerializer.Serialize(new
                        {
                            architecture = edited.Text("architecture"),
                            config = edited.Map("config"),
                            devices = edited.Devices("devices"),
                            ephemeral = edited.Boolean("ephemeral"),
                            profiles = edited.Strings("profiles"),
                            description = edited.Text("description"),
                        });
                        await client.PutIfMatchAsync(Url(instance), body, etag, token).ConfigureAwait(false);
                    }, cancellationToken).ConfigureAwait(false);
                return 0;
            }
            var (info, serverEtag) = await client.GetWithEtagAsync("/1.0", cancellationToken).ConfigureAwait(false);
            await ConfigEditor.EditAsync("the server", ServerYaml(info), "the config keys", async (text, token) =>
            {
                string body = JsonSerializer.Serialize(new { config = EditedDocument.Parse(text).Map("config") ?? new Dictionary<string, string>() });
                await client.PutIfMatchAsync("/1.0", body, serverEtag, token).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);
            return 0;
        });
        return edit;
    }

    private static Command Get()
    {
        var arguments = new Argument<string[]>("[instance] key") { Arity = new ArgumentArity(1, 2) };
        var get = new Command("get", "Get a server or instance configuration key") { arguments };
        get.SetAction(async (result, cancellationToken) =>
        {
            string[] values = result.GetValue(arguments)!;
            using var client = IncusClient.Connect();
            var config = values.Length == 2
                ? (await client.GetAsync(Url(values[0]), cancellationToken).ConfigureAwait(false)).GetProperty("config")
                : (await client.GetAsync("/1.0", cancellationToken).ConfigureAwait(false)).GetProperty("config");
            Console.WriteLine(config.TryGetProperty(values[^1], out var value) ? value.GetString() : "");
            return 0;
        });
        return get;
    }

    private static Command Set()
    {
        var arguments = new Argument<string[]>("[instance] key=value") { Arity = ArgumentArity.OneOrMore };
        var set = new Command("set", "Set server or instance configuration keys") { arguments };
        set.SetAction(async (result, cancellationToken) =>
        {
            string[] values = result.GetValue(arguments)!;
            using var client = IncusClient.Connect();
            if (values.Length >= 2 && await IsInstanceAsync(client, values[0], cancellationToken).ConfigureAwait(false))
            {
                var pairs = Commands.ParsePairs(values[1..]);
                await client.SendAsync(HttpMethod.Patch, Url(values[0]), JsonSerializer.Serialize(new { config = pairs }), cancellationToken)
                    .ConfigureAwait(false);
                if (pairs.GetValueOrDefault("security.privileged") == "true")
                {
                    InstanceCommands.WarnPrivileged(values[0]);
                }
                return 0;
            }
            var serverPairs = Commands.ParsePairs(values);
            await client.SendAsync(HttpMethod.Patch, "/1.0", JsonSerializer.Serialize(new { config = serverPairs }), cancellationToken).ConfigureAwait(false);
            if (serverPairs.GetValueOrDefault("core.https_address") is { Length: > 0 } address
                && Incus.Api.HttpsListenAddress.TryParse(address, out _) is { IsWildcard: true })
            {
                Console.Error.WriteLine($"WARNING: {Incus.Api.HttpsListenAddress.WildcardWarning}");
            }
            return 0;
        });
        return set;
    }

    private static Command Unset()
    {
        var arguments = new Argument<string[]>("[instance] key") { Arity = new ArgumentArity(1, 2) };
        var unset = new Command("unset", "Unset a server or instance configuration key") { arguments };
        unset.SetAction(async (result, cancellationToken) =>
        {
            string[] values = result.GetValue(arguments)!;
            using var client = IncusClient.Connect();
            var change = JsonSerializer.Serialize(new { config = new Dictionary<string, string> { [values[^1]] = "" } });
            await client.SendAsync(HttpMethod.Patch, values.Length == 2 ? Url(values[0]) : "/1.0", change, cancellationToken).ConfigureAwait(false);
            return 0;
        });
        return unset;
    }

    private static Command DeviceCommands()
    {
        var command = new Command("device", "Manage an instance's devices");

        var addInstance = new Argument<string>("instance");
        var addName = new Argument<string>("device");
        var addType = new Argument<string>("type");
        var addPairs = new Argument<string[]>("key=value") { Arity = ArgumentArity.ZeroOrMore };
        var add = new Command("add", "Add a device to an instance") { addInstance, addName, addType, addPairs };
        add.SetAction(async (result, cancellationToken) =>
        {
            string instance = result.GetValue(addInstance)!, device = result.GetValue(addName)!;
            using var client = IncusClient.Connect();
            var found = await client.GetAsync(Url(instance), cancellationToken).ConfigureAwait(false);
            if (found.GetProperty("devices").TryGetProperty(device, out _))
            {
                throw new CliException("The device already exists");
            }
            var keys = Commands.ParsePairs(result.GetValue(addPairs) ?? []);
            keys["type"] = result.GetValue(addType)!;
            await PatchDeviceAsync(client, instance, device, keys, cancellationToken).ConfigureAwait(false);
            Console.WriteLine($"Device {device} added to {instance}");
            return 0;
        });

        var overrideInstance = new Argument<string>("instance");
        var overrideName = new Argument<string>("device");
        var overridePairs = new Argument<string[]>("key=value") { Arity = ArgumentArity.ZeroOrMore };
        var overrideCommand = new Command("override", "Copy a profile device into the instance, with changed keys") { overrideInstance, overrideName, overridePairs };
        overrideCommand.SetAction(async (result, cancellationToken) =>
        {
            string instance = result.GetValue(overrideInstance)!, device = result.GetValue(overrideName)!;
            using var client = IncusClient.Connect();
            var found = await client.GetAsync(Url(instance), cancellationToken).ConfigureAwait(false);
            if (found.GetProperty("devices").TryGetProperty(device, out _))
            {
                throw new CliException("The device already exists");
            }
            if (!found.GetProperty("expanded_devices").TryGetProperty(device, out var inherited))
            {
                throw new CliException("The profile device doesn't exist");
            }
            var keys = inherited.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "");
            foreach (var (key, value) in Commands.ParsePairs(result.GetValue(overridePairs) ?? []))
            {
                keys[key] = value;
            }
            await PatchDeviceAsync(client, instance, device, keys, cancellationToken).ConfigureAwait(false);
            Console.WriteLine($"Device {device} overridden for {instance}");
            return 0;
        });

        var removeInstance = new Argument<string>("instance");
        var removeName = new Argument<string>("device");
        var remove = new Command("remove", "Remove a device from an instance") { removeInstance, removeName };
        remove.SetAction(async (result, cancellationToken) =>
        {
            string instance = result.GetValue(removeInstance)!, device = result.GetValue(removeName)!;
            using var client = IncusClient.Connect();
            var found = await client.GetAsync(Url(instance), cancellationToken).ConfigureAwait(false);
            var devices = found.GetProperty("devices").EnumerateObject().ToDictionary(d => d.Name, d => d.Value);
            if (!devices.Remove(device))
            {
                throw new CliException(found.GetProperty("expanded_devices").TryGetProperty(device, out _)
                    ? "Device from profile(s) cannot be removed from individual instance. Override device or modify profile instead"
                    : "The device doesn't exist");
            }
            string body = JsonSerializer.Serialize(new
            {
                architecture = found.GetProperty("architecture"),
                config = found.GetProperty("config"),
                devices,
                ephemeral = found.GetProperty("ephemeral"),
                profiles = found.GetProperty("profiles"),
                description = found.GetProperty("description"),
            });
            var envelope = await client.SendStreamAsync(HttpMethod.Put, Url(instance), new MemoryStream(System.Text.Encoding.UTF8.GetBytes(body)),
                new Dictionary<string, string>(), cancellationToken, "application/json").ConfigureAwait(false);
            await client.WaitAsync(envelope.Operation, cancellationToken).ConfigureAwait(false);
            Console.WriteLine($"Device {device} removed from {instance}");
            return 0;
        });

        var setInstance = new Argument<string>("instance");
        var setName = new Argument<string>("device");
        var setPairs = new Argument<string[]>("key=value") { Arity = ArgumentArity.OneOrMore };
        var set = new Command("set", "Set keys of an instance's own device") { setInstance, setName, setPairs };
        set.SetAction((result, cancellationToken) => ChangeLocalDeviceAsync(result.GetValue(setInstance)!, result.GetValue(setName)!,
            keys => Incus.Api.ConfigPatch.Apply(keys, Commands.ParsePairs(result.GetValue(setPairs)!)), cancellationToken));

        var unsetInstance = new Argument<string>("instance");
        var unsetName = new Argument<string>("device");
        var unsetKey = new Argument<string>("key");
        var unset = new Command("unset", "Unset a key of an instance's own device") { unsetInstance, unsetName, unsetKey };
        unset.SetAction((result, cancellationToken) => ChangeLocalDeviceAsync(result.GetValue(unsetInstance)!, result.GetValue(unsetName)!,
            keys => Incus.Api.ConfigPatch.Apply(keys, new Dictionary<string, string> { [result.GetValue(unsetKey)!] = "" }), cancellationToken));

        var showInstance = new Argument<string>("instance");
        var show = new Command("show", "Show an instance's own devices") { showInstance };
        show.SetAction(async (result, cancellationToken) =>
        {
            using var client = IncusClient.Connect();
            var found = await client.GetAsync(Url(result.GetValue(showInstance)!), cancellationToken).ConfigureAwait(false);
            Console.Write(OutputFormat.Render(found.GetProperty("devices"), "yaml"));
            return 0;
        });

        command.Subcommands.Add(add);
        command.Subcommands.Add(overrideCommand);
        command.Subcommands.Add(remove);
        command.Subcommands.Add(set);
        command.Subcommands.Add(unset);
        command.Subcommands.Add(show);
        return command;
    }

    /// <summary>set/unset apply to the instance's own devices only, as in Incus.</summary>
    private static async Task<int> ChangeLocalDeviceAsync(string instance, string device, Func<Dictionary<string, string>, Dictionary<string, string>> change,
        CancellationToken cancellationToken)
    {
        using var client = IncusClient.Connect();
        var found = await client.GetAsync(Url(instance), cancellationToken).ConfigureAwait(false);
        if (!found.GetProperty("devices").TryGetProperty(device, out var local))
        {
            throw new CliException(found.GetProperty("expanded_devices").TryGetProperty(device, out _)
                ? "Device from profile(s) cannot be modified for individual instance. Override device or modify profile instead"
                : "The device doesn't exist");
        }
        var keys = change(local.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? ""));
        await PatchDeviceAsync(client, instance, device, keys, cancellationToken).ConfigureAwait(false);
        return 0;
    }

    private static Task PatchDeviceAsync(IncusClient client, string instance, string device, Dictionary<string, string> keys, CancellationToken cancellationToken) =>
        client.SendAsync(HttpMethod.Patch, Url(instance),
            JsonSerializer.Serialize(new { devices = new Dictionary<string, Dictionary<string, string>> { [device] = keys } }), cancellationToken);
}
