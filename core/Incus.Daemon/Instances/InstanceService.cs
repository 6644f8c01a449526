using System.Text.Json;
using Incus.Api;
using Incus.Daemon.Api;
using Incus.Daemon.Events;
using Incus.Daemon.Helpers;
using Incus.Daemon.Images;
using Incus.Daemon.Operations;
using Incus.Daemon.Profiles;
using Incus.Daemon.Storage;
using Incus.Platform;
using Incus.Sdk.Helpers;
using Serilog;

namespace Incus.Daemon.Instances;

/// <summary>
/// Container instances: created from a local image into the pool of their root disk, with an id
/// map chosen here and kept in volatile keys, and run by the LXC helper.
/// </summary>
public sealed partial class InstanceService(
    InstanceStore store,
    ProfileStore profiles,
    StoragePoolStore pools,
    ImageService images,
    IStorageHelper storage,
    HelperConnection<IContainerHelper> runtime,
    OperationManager operations,
    EventHub events,
    IdmapAllocator idmaps,
    InstanceNetworking networking,
    ILogger log)
{
    private readonly SemaphoreSlim _changes = new(1, 1);

    public static string? ValidateName(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "No name provided";
        }
        if (name.Length > 63 || !char.IsAsciiLetter(name[0]) || name[^1] == '-' || name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c == '-')))
        {
            return $"Invalid instance name \"{name}\": use 1-63 letters, digits and hyphens, starting with a letter and not ending with a hyphen";
        }
        return null;
    }

    public TrackedOperation Create(InstancesPost request)
    {
        if (ValidateName(request.Name) is { } nameError)
        {
            throw ApiException.BadRequest(nameError);
        }
        if (request.Type is { Length: > 0 } type && type != "container")
        {
            throw ApiException.BadRequest($"Instance type \"{type}\" is not supported; only containers are");
        }
        if (request.Source is not { Type: "image" } source || !string.IsNullOrEmpty(source.Server))
        {
            throw ApiException.BadRequest("Only instances from a local image (source type \"image\") are supported");
        }
        var image = images.Resolve(source.Alias ?? source.Fingerprint ?? "");
        string name = request.Name!;
        var profileNames = request.Profiles ?? [ProfileService.DefaultProfile];
        var config = request.Config ?? new Dictionary<string, string>();
        if (config.Keys.FirstOrDefault(k => k.StartsWith("volatile.", StringComparison.Ordinal)) is { } volatileKey)
        {
            throw ApiException.BadRequest($"Invalid config key \"{volatileKey}\": volatile keys are set by the daemon");
        }
        var draft = new InstanceRecord(name, image.Architecture, request.Description ?? "", config, request.Devices ?? new(), profileNames, request.Ephemeral, DateTimeOffset.UtcNow);
        var (expandedConfig, expandedDevices) = Expand(draft);
        Validate(expandedConfig, expandedDevices, draft);
        string pool = RootPool(expandedDevices) ?? throw ApiException.BadRequest("No root disk device: add one to the instance or its profiles (incus admin init --minimal gives the default profile one)");
        if (store.Find(name) is not null)
        {
            throw new ApiException(409, $"Instance \"{name}\" already exists");
        }

        return operations.Start("Creating instance", Resources(name), false, async (_, cancellationToken) =>
        {
            await _changes.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var allocation = Allocate(IdmapRequest.FromConfig(expandedConfig), excluding: null);
                var withVolatile = new Dictionary<string, string>(config)
                {
                    ["volatile.base_image"] = image.Fingerprint,
                    ["volatile.uuid"] = Guid.NewGuid().ToString(),
                    [CurrentMapKey] = allocation.ToVolatileJson(),
                    ["volatile.last_state.power"] = "STOPPED",
                };
                foreach (var (key, value) in NextMapKeys(allocation))
                {
                    withVolatile[key] = value;
                }
                InstanceNetworking.AssignMacs(withVolatile, expandedDevices);
                var record = draft with { Config = withVolatile };
                if (!store.TryAdd(record))
                {
                    throw new ApiException(409, $"Instance \"{name}\" already exists");
                }
                uint root = (uint)(allocation.Range?.Start ?? 0);
                try
                {
                    await storage.CreateInstanceRootfsAsync(new InstanceRootfsSpec
                    {
                        Pool = pool, Instance = name, Fingerprint = image.Fingerprint, RootUid = root, RootGid = root,
                    }, cancellationToken).ConfigureAwait(false);
                }
                catch
                {
                    store.Remove(name);
                    throw;
                }
            }
            finally
            {
                _changes.Release();
            }
            await networking.RefreshAsync(NetworksOf(expandedDevices), cancellationToken).ConfigureAwait(false);
            Publish("instance-created", name);
            log.Information("created instance {Instance} from {Image}", name, image.Fingerprint);
            if (request.Start)
            {
                await StartAsync(name, cancellationToken).ConfigureAwait(false);
            }
        });
    }

    /// <summary>
    /// Starts the container with volatile.idmap.next. When that differs from the map it last ran with,
    /// the instance directory is first given to the new container root; the root filesystem needs no
    /// change (decision 0002). volatile.idmap.current then records the map the container runs with.
    /// </summary>
    public async Task StartAsync(string name, CancellationToken cancellationToken)
    {
        var instance = await WithFittingNextMapAsync(name, cancellationToken).ConfigureAwait(false);
        var (_, expandedDevices) = Expand(instance);
        string pool = RootPool(expandedDevices) ?? throw ApiException.BadRequest("The instance has no root disk");
        string nextJson = instance.Config[NextMapKey];
        var next = IdmapAllocation.RangeFromVolatileJson(nextJson);
        uint root = (uint)(next?.Start ?? 0);
        if (RecordedRange(instance, CurrentMapKey) != next)
        {
            await storage.SetInstanceOwnerAsync(new InstanceOwner { Pool = pool, Instance = name, RootUid = root, RootGid = root }, cancellationToken)
                .ConfigureAwait(false);
            log.Information("instance {Instance} starts with a new id map ({Map}); its directory now belongs to host uid {Root}", name, nextJson, root);
        }
        // Stale host sides from a container that stopped on its own go first.
        await StopNetworkingAsync(name, expandedDevices, new Dictionary<string, string>(), cancellationToken).ConfigureAwait(false);
        instance = Find(name);
        var config = new Dictionary<string, string>(instance.Config);
        var nics = await networking.StartAsync(name, config, expandedDevices, cancellationToken).ConfigureAwait(false);
        var nicChanges = VolatileChanges(instance.Config, config);
        store.SetVolatile(name, nicChanges);
        if (nicChanges.Keys.Any(k => k.Contains(".reserved.", StringComparison.Ordinal)))
        {
            // A filter reserved an address: dnsmasq must hand out exactly that one before the instance asks.
            await networking.RefreshAsync(NetworksOf(expandedDevices), cancellationToken).ConfigureAwait(false);
        }
        ContainerState state;
        try
        {
            state = await runtime.CallAsync("StartContainer", (lxc, token) => lxc.StartContainerAsync(new ContainerSpec
            {
                Instance = name,
                Pool = pool,
                Privileged = next is null,
                IdmapStart = root,
                IdmapSize = (uint)(next?.Size ?? 0),
                Nics = nics,
            }, token), cancellationToken, HelperTimeouts.ContainerStart).ConfigureAwait(false);
        }
        catch
        {
            // LXC destroys a phys veth after a failed start; remove our side too, the next start makes new ones.
            await StopNetworkingAsync(name, expandedDevices, new Dictionary<string, string>(), CancellationToken.None).ConfigureAwait(false);
            throw;
        }
        store.SetVolatile(name, new Dictionary<string, string> { [CurrentMapKey] = nextJson, ["volatile.last_state.power"] = "RUNNING" });
        Publish("instance-started", name);
        log.Information("started instance {Instance} (init pid {Pid})", name, state.Pid);
    }

    /// <summary>
    /// Removes the host side of the instance's NICs and records that, with <paramref name="alsoRecord"/>,
    /// under the change lock: the drift watch re-reads the NICs' host names under the same lock before
    /// it rebuilds a filter, so it cannot put one back for a NIC that is being taken down.
    /// </summary>
    private async Task StopNetworkingAsync(string name, IReadOnlyDictionary<string, Dictionary<string, string>> expandedDevices,
        Dictionary<string, string> alsoRecord, CancellationToken cancellationToken)
    {
        await _changes.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var before = Find(name).Config;
            var config = new Dictionary<string, string>(before);
            await networking.StopAsync(name, config, expandedDevices, cancellationToken).ConfigureAwait(false);
            var changes = VolatileChanges(before, config);
            foreach (var (key, value) in alsoRecord)
            {
                changes[key] = value;
            }
            if (changes.Count > 0)
            {
                store.SetVolatile(name, changes);
            }
        }
        finally
        {
            _changes.Release();
        }
    }

    /// <summary>
    /// The instance, with volatile.idmap.next allocated again if it no longer fits the expanded config:
    /// a profile the instance uses may have changed its id map keys since the map was chosen.
    /// </summary>
    private async Task<InstanceRecord> WithFittingNextMapAsync(string name, CancellationToken cancellationToken)
    {
        var instance = Find(name);
        if (NextMapFits(instance, Expand(instance).Config))
        {
            return instance;
        }
        await _changes.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            instance = Find(name);
            var expandedConfig = Expand(instance).Config;
            if (!NextMapFits(instance, expandedConfig))
            {
                var allocation = Allocate(IdmapRequest.FromConfig(expandedConfig), excluding: name);
                store.SetVolatile(name, NextMapKeys(allocation));
                log.Information("instance {Instance}: its profiles changed its id map; it starts with {Map}", name, allocation.ToVolatileJson());
                instance = Find(name);
            }
            return instance;
        }
        finally
        {
            _changes.Release();
        }
    }

    public async Task StopAsync(string name, bool force, int timeout, CancellationToken cancellationToken)
    {
        var instance = Find(name);
        int seconds = timeout is < 1 or > 600 ? 600 : timeout;
        await runtime.CallAsync("StopContainer", (lxc, token) => lxc.StopContainerAsync(new ContainerStop
        {
            Instance = name, Force = force || timeout == 0, TimeoutSeconds = seconds,
        }, token), cancellationToken, HelperTimeouts.ContainerStop(seconds)).ConfigureAwait(false);
        await StopNetworkingAsync(name, Expand(instance).Devices, new Dictionary<string, string> { ["volatile.last_state.power"] = "STOPPED" }, cancellationToken)
            .ConfigureAwait(false);
        Publish("instance-stopped", name);
    }

    public TrackedOperation Delete(string name)
    {
        var instance = Find(name);
        return operations.Start("Deleting instance", Resources(name), false, async (_, cancellationToken) =>
        {
            var state = await StateAsync(name, cancellationToken).ConfigureAwait(false);
            if (state.StatusCode == OperationStatus.Running.Code)
            {
                throw ApiException.BadRequest("The instance is currently running, stop it first");
            }
            var (_, expandedDevices) = Expand(instance);
            await runtime.CallAsync("ForgetContainer", (lxc, token) => lxc.ForgetContainerAsync(new ContainerName { Instance = name }, token), cancellationToken)
                .ConfigureAwait(false);
            if (RootPool(expandedDevices) is { } pool)
            {
                await storage.DeleteInstanceVolumeAsync(new InstanceVolume { Pool = pool, Instance = name }, cancellationToken).ConfigureAwait(false);
            }
            await StopNetworkingAsync(name, expandedDevices, new Dictionary<string, string>(), cancellationToken).ConfigureAwait(false);
            store.Remove(name);
            await networking.RefreshAsync(NetworksOf(expandedDevices), cancellationToken).ConfigureAwait(false);
            Publish("instance-deleted", name);
        });
    }

    public async Task<InstanceState> StateAsync(string name, CancellationToken cancellationToken)
    {
        var instance = Find(name);
        var state = await runtime.CallAsync("GetContainerState", (lxc, token) => lxc.GetContainerStateAsync(new ContainerName { Instance = name }, token), cancellationToken)
            .ConfigureAwait(false);
        return ToApiState(instance, state, profiles.Find);
    }

    private static InstanceState ToApiState(InstanceRecord instance, ContainerState state, Func<string, Profiles.ProfileRecord?> findProfile)
    {
        var status = state.Running ? OperationStatus.Running : OperationStatus.Stopped;
        return new InstanceState
        {
            Status = status.Name,
            StatusCode = status.Code,
            Pid = state.Pid,
            Processes = state.Running ? 1 : 0,
            // Lists that do not show state do not ask for interfaces; a running container always has lo.
            Network = state.Running && state.Interfaces.Count > 0 ? NetworkState(instance, Expand(instance, findProfile).Devices, state.Interfaces) : null,
        };
    }

    public async Task<Instance> GetAsync(string name, bool withState, CancellationToken cancellationToken)
    {
        var instance = Find(name);
        var state = await StateAsync(name, cancellationToken).ConfigureAwait(false);
        return ToApi(instance, state, withState, profiles.Find);
    }

    /// <summary>
    /// Every instance, for the list endpoints: one query per table and one helper call for all states,
    /// however many instances there are.
    /// </summary>
    public async Task<IReadOnlyList<Instance>> ListAsync(bool withState, CancellationToken cancellationToken)
    {
        var records = store.All();
        if (records.Count == 0)
        {
            return [];
        }
        var allProfiles = profiles.All().ToDictionary(p => p.Name, StringComparer.Ordinal);
        var states = await runtime.CallAsync("GetContainerStates", (lxc, token) => lxc.GetContainerStatesAsync(
            new ContainerNames { Instances = records.Select(r => r.Name).ToList(), WithInterfaces = withState }, token), cancellationToken).ConfigureAwait(false);
        if (states.Count != records.Count)
        {
            throw new InvalidOperationException($"the lxc helper answered {states.Count} states for {records.Count} instances");
        }
        return records.Select((record, i) => ToApi(record, ToApiState(record, states[i], allProfiles.GetValueOrDefault), withState, allProfiles.GetValueOrDefault)).ToList();
    }

    private static Instance ToApi(InstanceRecord instance, InstanceState state, bool withState, Func<string, Profiles.ProfileRecord?> findProfile)
    {
        var (expandedConfig, expandedDevices) = Expand(instance, findProfile);
        return new Instance
        {
            Name = instance.Name,
            Description = instance.Description,
            Status = state.Status,
            StatusCode = state.StatusCode,
            Architecture = instance.Architecture,
            Config = instance.Config,
            Devices = instance.Devices,
            ExpandedConfig = expandedConfig,
            ExpandedDevices = expandedDevices,
            Profiles = instance.Profiles,
            Ephemeral = instance.Ephemeral,
            CreatedAt = instance.CreatedAt,
            LastUsedAt = instance.CreatedAt,
            State = withState ? state : null,
        };
    }

    private const string CurrentMapKey = "volatile.idmap.current";
    private const string NextMapKey = "volatile.idmap.next";

    /// <summary>The writable part of an instance, whose hash is its ETag.</summary>
    public InstancePut Writable(Instance instance) =>
        Writable(instance.Architecture, instance.Config, instance.Devices, instance.Ephemeral, instance.Profiles, instance.Description);

    private static InstancePut Writable(InstanceRecord instance) =>
        Writable(instance.Architecture, instance.Config, instance.Devices, instance.Ephemeral, instance.Profiles, instance.Description);

    private static InstancePut Writable(string architecture, IReadOnlyDictionary<string, string> config,
        IReadOnlyDictionary<string, Dictionary<string, string>> devices, bool ephemeral, IReadOnlyList<string> profiles, string description) => new()
    {
        Architecture = architecture,
        Config = new(config),
        Devices = devices.ToDictionary(d => d.Key, d => new Dictionary<string, string>(d.Value)),
        Ephemeral = ephemeral,
        Profiles = profiles.ToList(),
        Stateful = false,
        Description = description,
    };

    /// <summary>
    /// PUT (replace) or PATCH (merge) of config, devices, profiles and description. Volatile keys are
    /// the daemon's: incoming values are ignored and the stored ones kept. The architecture is read-only
    /// (a different one is refused; the same or none is fine), as are the fields outside
    /// <see cref="InstancePut"/>, which are never read. A change that would move the root disk is refused.
    /// A change to security.privileged or security.idmap.* is accepted, running or not, as in Incus:
    /// volatile.idmap.next is allocated again here, so running out of ids is refused now with the
    /// numbers, and the new map takes effect at the next start. Nothing is stored on refusal.
    /// </summary>
    /// <param name="ifMatch">The request's If-Match; checked under the same lock as the change, so a concurrent change gives 412.</param>
    public async Task UpdateAsync(string name, InstancePut request, bool replace, string? ifMatch, CancellationToken cancellationToken)
    {
        await _changes.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var current = Find(name);
            Etags.Check(ifMatch, Writable(current));
            if (request.Architecture is { Length: > 0 } architecture && architecture != current.Architecture)
            {
                throw ApiException.BadRequest(
                    $"The architecture of an existing instance cannot be changed: \"{name}\" is {current.Architecture}, its root filesystem was built for it");
            }
            // Volatile keys are the daemon's: incoming ones are dropped and the stored ones put back.
            static Dictionary<string, string> WithoutVolatile(IEnumerable<KeyValuePair<string, string>> keys) =>
                keys.Where(kv => !kv.Key.StartsWith("volatile.", StringComparison.Ordinal)).ToDictionary(StringComparer.Ordinal);
            var config = replace
                ? WithoutVolatile(request.Config ?? new())
                : ConfigPatch.Apply(WithoutVolatile(current.Config), WithoutVolatile(request.Config ?? new()));
            foreach (var (key, value) in current.Config.Where(kv => kv.Key.StartsWith("volatile.", StringComparison.Ordinal)))
            {
                config[key] = value;
            }
            // PATCH replaces whole devices by name, as for profiles; PUT replaces the set.
            var devices = replace
                ? request.Devices ?? new Dictionary<string, Dictionary<string, string>>()
                : current.Devices.ToDictionary(d => d.Key, d => new Dictionary<string, string>(d.Value));
            if (!replace)
            {
                foreach (var (device, keys) in request.Devices ?? new())
                {
                    devices[device] = keys;
                }
            }
            var updated = current with
            {
                Config = config,
                Devices = devices,
                Profiles = request.Profiles ?? (replace ? [] : current.Profiles),
                Description = request.Description ?? (replace ? "" : current.Description),
                Ephemeral = request.Ephemeral ?? current.Ephemeral,
            };
            var (_, oldDevices) = Expand(current);
            var (newConfig, newDevices) = Expand(updated);
            Validate(newConfig, newDevices, updated);
            if (RootPool(oldDevices) != RootPool(newDevices))
            {
                throw ApiException.BadRequest("The root disk's pool cannot be changed: moving an instance between pools is not supported");
            }
            var volatileChanges = NextMapFits(current, newConfig)
                ? new Dictionary<string, string>()
                : NextMapKeys(Allocate(IdmapRequest.FromConfig(newConfig), excluding: name));
            var nicConfig = new Dictionary<string, string>(current.Config);
            InstanceNetworking.AssignMacs(nicConfig, newDevices);
            await HotplugNicsAsync(name, nicConfig, oldDevices, newDevices, cancellationToken).ConfigureAwait(false);
            foreach (var (key, value) in VolatileChanges(current.Config, nicConfig))
            {
                volatileChanges[key] = value;
            }
            store.Update(updated, volatileChanges);
            await networking.RefreshAsync(NetworksOf(oldDevices).Concat(NetworksOf(newDevices)), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _changes.Release();
        }
        Publish("instance-updated", name);
    }

    /// <summary>Instances whose expanded root disk is in <paramref name="pool"/>, as API URLs.</summary>
    public IReadOnlyList<string> UsingPool(string pool) =>
        store.All().Where(i => RootPool(Expand(i).Devices) == pool).Select(i => $"/1.0/instances/{i.Name}").ToList();

    /// <summary>Instances that apply <paramref name="profile"/>, as API URLs.</summary>
    public IReadOnlyList<string> UsingProfile(string profile) =>
        store.All().Where(i => i.Profiles.Contains(profile)).Select(i => $"/1.0/instances/{i.Name}").ToList();

    public IReadOnlyList<string> Names() => store.All().Select(i => i.Name).ToList();

    private InstanceRecord Find(string name) => store.Find(name) ?? throw ApiException.NotFound("Instance not found");

    /// <summary>
    /// Chooses a map for an instance, leaving out the ids every other instance holds: the map it last ran
    /// with (its directory may still belong to that root until it starts again) and the one it will
    /// start with. The instance's own maps are free to it, since it stops before it starts with a new one.
    /// </summary>
    private IdmapAllocation Allocate(IdmapRequest request, string? excluding)
    {
        var held = store.All().Where(i => i.Name != excluding)
            .SelectMany(i => new[] { RecordedRange(i, CurrentMapKey), RecordedRange(i, NextMapKey) })
            .Where(r => r.HasValue).Select(r => r!.Value).Distinct().ToList();
        // Shared maps all begin at the start of root's range, and no isolated one may.
        bool IsShared(IdRange range) => range.Start == idmaps.Available.Start;
        long shared = held.Where(IsShared).Select(r => r.Size).DefaultIfEmpty(IdmapRequest.DefaultSize).Max();
        try
        {
            return idmaps.Allocate(request, shared, held.Where(r => !IsShared(r)).ToList());
        }
        catch (InvalidOperationException ex)
        {
            throw ApiException.BadRequest(ex.Message);
        }
    }

    private bool NextMapFits(InstanceRecord instance, IReadOnlyDictionary<string, string> expandedConfig) =>
        instance.Config.ContainsKey(NextMapKey)
        && IdmapRequest.FromConfig(expandedConfig).IsSatisfiedBy(RecordedRange(instance, NextMapKey), idmaps.Available);

    /// <summary>The volatile keys that record a newly chosen map for the next start.</summary>
    private static Dictionary<string, string> NextMapKeys(IdmapAllocation allocation) => new()
    {
        [NextMapKey] = allocation.ToVolatileJson(),
        ["volatile.idmap.base"] = (allocation.Range?.Start ?? 0).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>The host id range recorded under a volatile.idmap key, or null for privileged maps (and none recorded).</summary>
    private static IdRange? RecordedRange(InstanceRecord instance, string key) =>
        instance.Config.TryGetValue(key, out string? json) ? IdmapAllocation.RangeFromVolatileJson(json) : null;

    private (Dictionary<string, string> Config, Dictionary<string, Dictionary<string, string>> Devices) Expand(InstanceRecord instance) =>
        Expand(instance, profiles.Find);

    /// <summary>Profiles applied in order, then the instance's own config and devices on top.</summary>
    private static (Dictionary<string, string> Config, Dictionary<string, Dictionary<string, string>> Devices) Expand(
        InstanceRecord instance, Func<string, Profiles.ProfileRecord?> findProfile)
    {
        var config = new Dictionary<string, string>(StringComparer.Ordinal);
        var devices = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        foreach (string profileName in instance.Profiles)
        {
            var profile = findProfile(profileName) ?? throw ApiException.BadRequest($"Profile \"{profileName}\" doesn't exist");
            foreach (var (key, value) in profile.Config)
            {
                config[key] = value;
            }
            foreach (var (device, keys) in profile.Devices)
            {
                devices[device] = new Dictionary<string, string>(keys);
            }
        }
        foreach (var (key, value) in instance.Config)
        {
            config[key] = value;
        }
        // An instance's own device replaces the profile's device of the same name entirely, as in Incus.
        foreach (var (device, keys) in instance.Devices)
        {
            devices[device] = new Dictionary<string, string>(keys);
        }
        return (config, devices);
    }

    private void Validate(Dictionary<string, string> expandedConfig, Dictionary<string, Dictionary<string, string>> expandedDevices, InstanceRecord instance)
    {
        if (InstanceConfigKeys.ValidateAll(instance.Config, inProfile: false) is { } ownError)
        {
            throw ApiException.BadRequest(ownError);
        }
        if (InstanceConfigKeys.ValidateAll(expandedConfig, inProfile: false) is { } configError)
        {
            throw ApiException.BadRequest(configError);
        }
        if (DeviceRules.ValidateAll(expandedDevices, pool => pools.Find(pool) is not null, networking.Validate) is { } deviceError)
        {
            throw ApiException.BadRequest(deviceError);
        }
    }

    private static string? RootPool(IReadOnlyDictionary<string, Dictionary<string, string>> devices) =>
        devices.Values.FirstOrDefault(d => d.GetValueOrDefault("type") == "disk" && d.GetValueOrDefault("path") == "/")?.GetValueOrDefault("pool");

    private static Dictionary<string, List<string>> Resources(string name) => new()
    {
        ["instances"] = [$"/1.0/instances/{name}"],
        ["containers"] = [$"/1.0/containers/{name}"],
    };

    private void Publish(string action, string name) =>
        events.Publish("lifecycle", new Dictionary<string, object> { ["action"] = action, ["source"] = $"/1.0/instances/{name}" });
}
