using Incus.Daemon.Database;

namespace Incus.Daemon.Storage;

/// <summary>The <c>storage_pools</c> table.</summary>
public sealed class StoragePoolStore(LocalDatabase database)
{
    private readonly DriverConfigTable<StoragePoolRecord> _table = new(database, "storage_pools", "driver",
        (name, driver, description, config) => new StoragePoolRecord(name, driver, description, config),
        pool => (pool.Name, pool.Driver, pool.Description, pool.Config));

    public IReadOnlyList<StoragePoolRecord> All() => _table.All();

    public StoragePoolRecord? Find(string name) => _table.Find(name);

    /// <summary>Adds a pool; false when the name is taken.</summary>
    public bool TryAdd(StoragePoolRecord pool) => _table.TryAdd(pool);

    public void Update(StoragePoolRecord pool) => _table.Update(pool);

    public void Remove(string name) => _table.Remove(name);
}
