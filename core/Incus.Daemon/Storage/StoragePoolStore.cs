using System.Text.Json;
using Incus.Daemon.Database;
using Microsoft.Data.Sqlite;

namespace Incus.Daemon.Storage;

/// <summary>The <c>storage_pools</c> table.</summary>
public sealed class StoragePoolStore(LocalDatabase database)
{
    public IReadOnlyList<StoragePoolRecord> All() =>
        database.Transaction((connection, transaction) => Query(connection, transaction, null));

    public StoragePoolRecord? Find(string name) =>
        database.Transaction((connection, transaction) => Query(connection, transaction, name).SingleOrDefault());

    /// <summary>Adds a pool; false when the name is taken.</summary>
    public bool TryAdd(StoragePoolRecord pool) =>
        database.Transaction((connection, transaction) =>
        {
            using var insert = SqlCommands.Create(connection, transaction, "INSERT INTO storage_pools (name, driver, description, config) VALUES ($n, $d, $desc, $c) ON CONFLICT(name) DO NOTHING;");
            insert.Parameters.AddWithValue("$n", pool.Name);
            insert.Parameters.AddWithValue("$d", pool.Driver);
            insert.Parameters.AddWithValue("$desc", pool.Description);
            insert.Parameters.AddWithValue("$c", JsonSerializer.Serialize(pool.Config));
            return insert.ExecuteNonQuery() == 1;
        });

    public void Update(StoragePoolRecord pool) =>
        database.Transaction((connection, transaction) =>
        {
            using var update = SqlCommands.Create(connection, transaction, "UPDATE storage_pools SET description = $desc, config = $c WHERE name = $n;");
            update.Parameters.AddWithValue("$n", pool.Name);
            update.Parameters.AddWithValue("$desc", pool.Description);
            update.Parameters.AddWithValue("$c", JsonSerializer.Serialize(pool.Config));
            update.ExecuteNonQuery();
        });

    public void Remove(string name) =>
        database.Transaction((connection, transaction) =>
        {
            using var delete = SqlCommands.Create(connection, transaction, "DELETE FROM storage_pools WHERE name = $n;");
            delete.Parameters.AddWithValue("$n", name);
            delete.ExecuteNonQuery();
        });

    private static List<StoragePoolRecord> Query(SqliteConnection connection, SqliteTransaction transaction, string? name)
    {
        using var query = connection.CreateCommand();
        query.Transaction = transaction;
        query.CommandText = name is null
            ? "SELECT name, driver, description, config FROM storage_pools ORDER BY name;"
            : "SELECT name, driver, description, config FROM storage_pools WHERE name = $n;";
        if (name is not null)
        {
            query.Parameters.AddWithValue("$n", name);
        }
        using var reader = query.ExecuteReader();
        var pools = new List<StoragePoolRecord>();
        while (reader.Read())
        {
            pools.Add(new StoragePoolRecord(reader.GetString(0), reader.GetString(1), reader.GetString(2),
                JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(3)) ?? new Dictionary<string, string>()));
        }
        return pools;
    }
}
