using System.Text.Json;
using YamlDotNet.Serialization;

namespace Incus.Cli;

/// <summary>
/// The <c>incus admin init --preseed</c> document. Every section is checked before anything is
/// applied, and a failure part-way is undone, so a preseed applies whole or not at all.
/// </summary>
public sealed class Preseed
{
    private static readonly HashSet<string> KnownSections = ["config", "networks", "storage_pools", "profiles", "projects", "cluster"];
    private static readonly HashSet<string> PoolFields = ["name", "driver", "description", "config"];
    private static readonly HashSet<string> ProfileFields = ["name", "description", "config", "devices"];
    private static readonly HashSet<string> NetworkFields = ["name", "type", "description", "config", "project"];

    public Dictionary<string, string> Config { get; } = new(StringComparer.Ordinal);

    public List<PreseedPool> StoragePools { get; } = new();

    public List<PreseedProfile> Profiles { get; } = new();

    public List<PreseedNetwork> Networks { get; } = new();

    /// <summary>True for --minimal: profile changes are merged (PATCH) rather than replacing the profile.</summary>
    public bool MergeProfiles { get; private init; }

    /// <summary>What <c>--minimal</c> applies, as in Incus: a <c>default</c> dir pool, the <c>incusbr0</c> bridge with automatic
    /// IPv4 and IPv6 subnets and NAT, and both in the <c>default</c> profile (root disk and <c>eth0</c>).</summary>
    public static Preseed Minimal()
    {
        var preseed = new Preseed { MergeProfiles = true };
        preseed.StoragePools.Add(new PreseedPool("default", "dir", "", new Dictionary<string, string>()));
        preseed.Networks.Add(new PreseedNetwork("incusbr0", "bridge", "", new Dictionary<string, string>
        {
            ["ipv4.address"] = "auto",
            ["ipv6.address"] = "auto",
        }));
        preseed.Profiles.Add(new PreseedProfile("default", "Default Incus profile", new Dictionary<string, string>(),
            new Dictionary<string, Dictionary<string, string>>
            {
                ["root"] = new() { ["type"] = "disk", ["path"] = "/", ["pool"] = "default" },
                ["eth0"] = new() { ["type"] = "nic", ["network"] = "incusbr0", ["name"] = "eth0" },
            }));
        return preseed;
    }

    public static Preseed Parse(string yaml)
    {
        object? document;
        try
        {
            document = new DeserializerBuilder().Build().Deserialize<object?>(yaml);
        }
        catch (YamlDotNet.Core.YamlException ex)
        {
            throw new CliException($"invalid preseed YAML: {ex.Message}");
        }
        var preseed = new Preseed();
        if (document is null)
        {
            return preseed;
        }
        if (document is not Dictionary<object, object?> root)
        {
            throw new CliException("invalid preseed: the document must be a mapping");
        }
        foreach (var (keyObject, value) in root)
        {
            string key = keyObject?.ToString() ?? "";
            if (!KnownSections.Contains(key))
            {
                throw new CliException($"invalid preseed: unknown section \"{key}\"");
            }
            switch (key)
            {
                case "config":
                    foreach (var (configKey, configValue) in Mapping(value, "config"))
                    {
                        preseed.Config[configKey] = configValue;
                    }
                    break;
                case "storage_pools":
                    foreach (object? entry in List(value, "storage_pools"))
                    {
                        preseed.StoragePools.Add(Pool(entry));
                    }
                    break;
                case "networks":
                    foreach (object? entry in List(value, "networks"))
                    {
                        preseed.Networks.Add(Network(entry));
                    }
                    break;
                case "profiles":
                    foreach (object? entry in List(value, "profiles"))
                    {
                        preseed.Profiles.Add(Profile(entry));
                    }
                    break;
                default:
                    if (value is not null && !(value is List<object?> { Count: 0 }))
                    {
                        throw new CliException($"the preseed section \"{key}\" is not supported by this daemon yet; nothing was applied");
                    }
                    break;
            }
        }
        return preseed;
    }

    public string ToServerPatch() => JsonSerializer.Serialize(new { config = Config });

    /// <summary>Applies the server config, then pools, networks and profiles; undoes what it did if a later step fails.</summary>
    public async Task ApplyAsync(IncusClient client, CancellationToken cancellationToken)
    {
        var before = await client.GetAsync("/1.0", cancellationToken).ConfigureAwait(false);
        var previousConfig = before.GetProperty("config").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "");
        var createdPools = new List<string>();
        var createdProfiles = new List<string>();
        var createdNetworks = new List<string>();
        var replacedNetworks = new List<(string Name, string Body)>();
        var replacedProfiles = new List<(string Name, string Body)>();
        try
        {
            if (Config.Count > 0)
            {
                await client.SendAsync(HttpMethod.Patch, "/1.0", ToServerPatch(), cancellationToken).ConfigureAwait(false);
            }
            foreach (var pool in StoragePools)
            {
                if (await client.ExistsAsync($"/1.0/storage-pools/{Uri.EscapeDataString(pool.Name)}", cancellationToken).ConfigureAwait(false))
                {
                    await client.SendAsync(HttpMethod.Put, $"/1.0/storage-pools/{Uri.EscapeDataString(pool.Name)}",
                        JsonSerializer.Serialize(new { description = pool.Description, config = pool.Config }), cancellationToken).ConfigureAwait(false);
                    continue;
                }
                await client.SendAsync(HttpMethod.Post, "/1.0/storage-pools",
                    JsonSerializer.Serialize(new { name = pool.Name, driver = pool.Driver, description = pool.Description, config = pool.Config }),
                    cancellationToken).ConfigureAwait(false);
                createdPools.Add(pool.Name);
            }
            foreach (var network in Networks)
            {
                string url = $"/1.0/networks/{Uri.EscapeDataString(network.Name)}";
                if (await client.ExistsAsync(url, cancellationToken).ConfigureAwait(false))
                {
                    // --minimal keeps an existing network as it is; a preseed replaces its config.
                    if (!MergeProfiles)
                    {
                        var old = await client.GetAsync(url, cancellationToken).ConfigureAwait(false);
                        replacedNetworks.Add((network.Name, JsonSerializer.Serialize(new { description = old.GetProperty("description"), config = old.GetProperty("config") })));
                        await client.SendAsync(HttpMethod.Put, url, JsonSerializer.Serialize(new { description = network.Description, config = network.Config }),
                            cancellationToken).ConfigureAwait(false);
                    }
                    continue;
                }
                await client.SendAsync(HttpMethod.Post, "/1.0/networks",
                    JsonSerializer.Serialize(new { name = network.Name, type = network.Type, description = network.Description, config = network.Config }),
                    cancellationToken).ConfigureAwait(false);
                createdNetworks.Add(network.Name);
            }
            foreach (var profile in Profiles)
            {
                string url = $"/1.0/profiles/{Uri.EscapeDataString(profile.Name)}";
                string body = JsonSerializer.Serialize(new { description = profile.Description, config = profile.Config, devices = profile.Devices });
                if (await client.ExistsAsync(url, cancellationToken).ConfigureAwait(false))
                {
                    var old = await client.GetAsync(url, cancellationToken).ConfigureAwait(false);
                    replacedProfiles.Add((profile.Name, JsonSerializer.Serialize(new
                    {
                        description = old.GetProperty("description"),
                        config = old.GetProperty("config"),
                        devices = old.GetProperty("devices"),
                    })));
                    await client.SendAsync(MergeProfiles ? HttpMethod.Patch : HttpMethod.Put, url, body, cancellationToken).ConfigureAwait(false);
                    continue;
                }
                await client.SendAsync(HttpMethod.Post, "/1.0/profiles",
                    JsonSerializer.Serialize(new { name = profile.Name, description = profile.Description, config = profile.Config, devices = profile.Devices }),
                    cancellationToken).ConfigureAwait(false);
                createdProfiles.Add(profile.Name);
            }
        }
        catch (CliException)
        {
            foreach (var (name, body) in Enumerable.Reverse(replacedProfiles))
            {
                await client.SendAsync(HttpMethod.Put, $"/1.0/profiles/{Uri.EscapeDataString(name)}", body, CancellationToken.None).ConfigureAwait(false);
            }
            foreach (string profile in Enumerable.Reverse(createdProfiles))
            {
                await client.SendAsync(HttpMethod.Delete, $"/1.0/profiles/{Uri.EscapeDataString(profile)}", null, CancellationToken.None).ConfigureAwait(false);
            }
            foreach (var (name, body) in Enumerable.Reverse(replacedNetworks))
            {
                await client.SendAsync(HttpMethod.Put, $"/1.0/networks/{Uri.EscapeDataString(name)}", body, CancellationToken.None).ConfigureAwait(false);
            }
            foreach (string network in Enumerable.Reverse(createdNetworks))
            {
                await client.SendAsync(HttpMethod.Delete, $"/1.0/networks/{Uri.EscapeDataString(network)}", null, CancellationToken.None).ConfigureAwait(false);
            }
            foreach (string pool in Enumerable.Reverse(createdPools))
            {
                await client.SendAsync(HttpMethod.Delete, $"/1.0/storage-pools/{Uri.EscapeDataString(pool)}", null, CancellationToken.None).ConfigureAwait(false);
            }
            if (Config.Count > 0)
            {
                await client.SendAsync(HttpMethod.Put, "/1.0", JsonSerializer.Serialize(new { config = previousConfig }), CancellationToken.None).ConfigureAwait(false);
            }
            throw;
        }
    }

    private static PreseedPool Pool(object? entry)
    {
        var fields = entry as Dictionary<object, object?> ?? throw new CliException("invalid preseed: each storage pool must be a mapping");
        foreach (object key in fields.Keys)
        {
            if (!PoolFields.Contains(key.ToString() ?? ""))
            {
                throw new CliException($"invalid preseed: unknown storage pool field \"{key}\"");
            }
        }
        string Field(string name) => fields.TryGetValue(name, out var value) ? value?.ToString() ?? "" : "";
        if (Field("name").Length == 0 || Field("driver").Length == 0)
        {
            throw new CliException("invalid preseed: each storage pool needs a name and a driver");
        }
        var config = fields.TryGetValue("config", out var rawConfig) ? Mapping(rawConfig, $"storage pool {Field("name")} config") : new Dictionary<string, string>();
        return new PreseedPool(Field("name"), Field("driver"), Field("description"), config);
    }

    private static PreseedNetwork Network(object? entry)
    {
        var fields = entry as Dictionary<object, object?> ?? throw new CliException("invalid preseed: each network must be a mapping");
        foreach (object key in fields.Keys)
        {
            if (!NetworkFields.Contains(key.ToString() ?? ""))
            {
                throw new CliException($"invalid preseed: unknown network field \"{key}\"");
            }
        }
        string Field(string name) => fields.TryGetValue(name, out var value) ? value?.ToString() ?? "" : "";
        if (Field("name").Length == 0)
        {
            throw new CliException("invalid preseed: each network needs a name");
        }
        if (Field("project") is { Length: > 0 } project && project != "default")
        {
            throw new CliException($"invalid preseed: network {Field("name")} is in project \"{project}\"; only the default project exists");
        }
        return new PreseedNetwork(Field("name"), Field("type") is { Length: > 0 } type ? type : "bridge", Field("description"),
            Mapping(fields.GetValueOrDefault("config"), $"network {Field("name")} config"));
    }

    private static PreseedProfile Profile(object? entry)
    {
        var fields = entry as Dictionary<object, object?> ?? throw new CliException("invalid preseed: each profile must be a mapping");
        foreach (object key in fields.Keys)
        {
            if (!ProfileFields.Contains(key.ToString() ?? ""))
            {
                throw new CliException($"invalid preseed: unknown profile field \"{key}\"");
            }
        }
        string name = fields.GetValueOrDefault("name")?.ToString() ?? "";
        if (name.Length == 0)
        {
            throw new CliException("invalid preseed: each profile needs a name");
        }
        var devices = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        foreach (var (device, value) in NestedMapping(fields.GetValueOrDefault("devices"), $"profile {name} devices"))
        {
            devices[device] = Mapping(value, $"profile {name} device {device}");
        }
        return new PreseedProfile(name, fields.GetValueOrDefault("description")?.ToString() ?? "",
            Mapping(fields.GetValueOrDefault("config"), $"profile {name} config"), devices);
    }

    private static Dictionary<string, object?> NestedMapping(object? value, string what) => value switch
    {
        null => new Dictionary<string, object?>(),
        Dictionary<object, object?> mapping => mapping.ToDictionary(kv => kv.Key?.ToString() ?? "", kv => kv.Value, StringComparer.Ordinal),
        _ => throw new CliException($"invalid preseed: {what} must be a mapping"),
    };

    private static Dictionary<string, string> Mapping(object? value, string what)
    {
        if (value is null)
        {
            return new Dictionary<string, string>();
        }
        if (value is not Dictionary<object, object?> mapping)
        {
            throw new CliException($"invalid preseed: {what} must be a mapping of keys to values");
        }
        return mapping.ToDictionary(kv => kv.Key?.ToString() ?? "", kv => kv.Value?.ToString() ?? "", StringComparer.Ordinal);
    }

    private static List<object?> List(object? value, string what) => value switch
    {
        null => [],
        List<object?> list => list,
        _ => throw new CliException($"invalid preseed: {what} must be a list"),
    };
}
