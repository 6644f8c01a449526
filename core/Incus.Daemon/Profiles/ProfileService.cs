using Incus.Api;
using Incus.Daemon.Api;
using Incus.Daemon.Events;
using Incus.Daemon.Instances;
using Incus.Daemon.Storage;

namespace Incus.Daemon.Profiles;

/// <summary>Profiles: validated as a whole before any change is stored.</summary>
public sealed class ProfileService(ProfileStore store, StoragePoolStore pools, EventHub events, Func<string, IReadOnlyList<string>> usedBy,
    Func<IReadOnlyDictionary<string, string>, string?> nicError)
{
    public const string DefaultProfile = "default";
    private readonly SemaphoreSlim _changes = new(1, 1);

    public IReadOnlyList<Profile> List() => store.All().Select(ToApi).ToList();

    public Profile Get(string name) => ToApi(store.Find(name) ?? throw ApiException.NotFound("Profile not found"));

    /// <summary>The profiles whose root disk uses <paramref name="pool"/>, as API URLs.</summary>
    public IReadOnlyList<string> UsingPool(string pool) =>
        store.All().Where(p => p.Devices.Values.Any(d => d.GetValueOrDefault("type") == "disk" && d.GetValueOrDefault("pool") == pool))
            .Select(p => $"/1.0/profiles/{p.Name}").ToList();

    /// <summary>Profiles with a NIC on <paramref name="network"/> (by <c>network</c> or <c>parent</c>), as API URLs.</summary>
    public IReadOnlyList<string> UsingNetwork(string network) =>
        store.All().Where(p => p.Devices.Values.Any(d => d.GetValueOrDefault("type") == "nic"
                && (d.GetValueOrDefault("network") == network || d.GetValueOrDefault("parent") == network)))
            .Select(p => $"/1.0/profiles/{p.Name}").ToList();

    public static string? ValidateName(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "No name provided";
        }
        if (name.Length > 63 || name is "." or ".." || name.Any(c => char.IsControl(c) || c is '/' or ' ' or '\''))
        {
            return $"Invalid profile name \"{name}\"";
        }
        return null;
    }

    public async Task CreateAsync(ProfilePut request, CancellationToken cancellationToken)
    {
        if (ValidateName(request.Name) is { } nameError)
        {
            throw ApiException.BadRequest(nameError);
        }
        var record = new ProfileRecord(request.Name!, request.Description ?? "", request.Config ?? new(), request.Devices ?? new());
        Validate(record);
        await _changes.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!store.TryAdd(record))
            {
                throw new ApiException(409, $"Profile \"{record.Name}\" already exists");
            }
        }
        finally
        {
            _changes.Release();
        }
        Publish("profile-created", record.Name);
    }

    /// <summary>The writable part of a profile, whose hash is its ETag.</summary>
    public static ProfilePut Writable(Profile profile) => new()
    {
        Description = profile.Description,
        Config = new(profile.Config),
        Devices = profile.Devices.ToDictionary(d => d.Key, d => new Dictionary<string, string>(d.Value)),
    };

    /// <param name="ifMatch">The request's If-Match; checked under the same lock as the change, so a concurrent change gives 412.</param>
    public async Task UpdateAsync(string name, ProfilePut request, bool replace, string? ifMatch, CancellationToken cancellationToken)
    {
        await _changes.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var current = store.Find(name) ?? throw ApiException.NotFound("Profile not found");
            Etags.Check(ifMatch, Writable(ToApi(current)));
            var updated = replace
                ? new ProfileRecord(name, request.Description ?? "", request.Config ?? new(), request.Devices ?? new())
                : new ProfileRecord(name, request.Description ?? current.Description, ConfigPatch.Apply(current.Config, request.Config),
                    MergeDevices(current.Devices, request.Devices));
            Validate(updated);
            store.Update(updated);
        }
        finally
        {
            _changes.Release();
        }
        Publish("profile-updated", name);
    }

    public async Task RenameAsync(string name, string? newName, CancellationToken cancellationToken)
    {
        if (name == DefaultProfile)
        {
            throw ApiException.Forbidden("The \"default\" profile cannot be renamed");
        }
        if (ValidateName(newName) is { } nameError)
        {
            throw ApiException.BadRequest(nameError);
        }
        await _changes.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _ = store.Find(name) ?? throw ApiException.NotFound("Profile not found");
            if (usedBy(name) is { Count: > 0 } users)
            {
                throw ApiException.BadRequest($"The profile is currently in use by {string.Join(", ", users)}");
            }
            if (!store.TryRename(name, newName!))
            {
                throw new ApiException(409, $"Profile \"{newName}\" already exists");
            }
        }
        finally
        {
            _changes.Release();
        }
        Publish("profile-renamed", newName!);
    }

    public async Task DeleteAsync(string name, CancellationToken cancellationToken)
    {
        if (name == DefaultProfile)
        {
            throw ApiException.Forbidden("The \"default\" profile cannot be deleted");
        }
        await _changes.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _ = store.Find(name) ?? throw ApiException.NotFound("Profile not found");
            if (usedBy(name) is { Count: > 0 } users)
            {
                throw ApiException.BadRequest($"The profile is currently in use by {string.Join(", ", users)}");
            }
            store.Remove(name);
        }
        finally
        {
            _changes.Release();
        }
        Publish("profile-deleted", name);
    }

    private void Validate(ProfileRecord profile)
    {
        if (InstanceConfigKeys.ValidateAll(profile.Config, inProfile: true) is { } configError)
        {
            throw ApiException.BadRequest(configError);
        }
        if (DeviceRules.ValidateAll(profile.Devices, pool => pools.Find(pool) is not null, nicError) is { } deviceError)
        {
            throw ApiException.BadRequest(deviceError);
        }
    }

    private void Publish(string action, string name) =>
        events.Publish("lifecycle", new Dictionary<string, object> { ["action"] = action, ["source"] = $"/1.0/profiles/{name}" });

    /// <summary>PATCH replaces whole devices by name, as Incus does; it never merges keys inside a device.</summary>
    private static Dictionary<string, Dictionary<string, string>> MergeDevices(
        IReadOnlyDictionary<string, Dictionary<string, string>> current, Dictionary<string, Dictionary<string, string>>? changes)
    {
        var merged = current.ToDictionary(d => d.Key, d => new Dictionary<string, string>(d.Value));
        foreach (var (name, device) in changes ?? new())
        {
            merged[name] = device;
        }
        return merged;
    }

    private Profile ToApi(ProfileRecord record) => new()
    {
        UsedBy = usedBy(record.Name),
        Name = record.Name,
        Description = record.Description,
        Config = record.Config,
        Devices = record.Devices,
    };
}
