using Incus.Sdk.Drivers;
using Incus.Sdk.Helpers;

namespace Incus.Samples.StorageScratch;

/// <summary>
/// The <c>scratch</c> pool driver: pools for throwaway instances. Its storage is a directory tree under
/// the daemon's storage root, made and removed by the instance helper, so the driver holds no privilege
/// and touches no path itself. What it adds over <c>dir</c> is a config key, <c>scratch.purpose</c>,
/// which says what the pool is for.
/// </summary>
public sealed class ScratchStorageDriver : IStorageDriver
{
    private const string PurposeKey = "scratch.purpose";
    private const int PurposeMaxLength = 128;

    public string Name => "scratch";

    public string Version => "0.1.0";

    public string? ValidateConfig(IReadOnlyDictionary<string, string> config)
    {
        ArgumentNullException.ThrowIfNull(config);
        // Keys are checked in a fixed order so the same config always gives the same message.
        foreach (var (key, value) in config.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (key != PurposeKey)
            {
                // `source` is refused like any other unknown key: the helper derives every path from the
                // pool's name, so a caller-chosen path could never be honoured.
                return $"Invalid config key \"{key}\": the scratch driver knows only {PurposeKey}";
            }
            if (value.Length > PurposeMaxLength || value.Any(char.IsControl))
            {
                return $"Invalid value for {PurposeKey}: at most {PurposeMaxLength} printable characters";
            }
        }
        return null;
    }

    public Task CreatePoolAsync(StoragePoolContext pool, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pool);
        return pool.Helper.CreateDirPoolAsync(new PoolName { Name = pool.Name }, cancellationToken);
    }

    public Task DeletePoolAsync(StoragePoolContext pool, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pool);
        return pool.Helper.DeleteDirPoolAsync(new PoolName { Name = pool.Name }, cancellationToken);
    }
}
