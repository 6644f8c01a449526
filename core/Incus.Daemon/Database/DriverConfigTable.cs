using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Incus.Daemon.Database;

/// <summary>
/// A table of named objects with a driver or type, a description and a JSON config: storage pools and
/// networks have this shape. The table and column names are constants of the calling store, never
/// request values, so they are written into the SQL text; every value is a parameter.
/// </summary>
public sealed class DriverConfigTable<TRecord>(
    LocalDatabase database,
    string table,
    string kindColumn,
    Func<string, string, string, IReadOnlyDictionary<string, string>, TRecord> read,
    Func<TRecord, (string Name, string Kind, string Description, IReadOnlyDictionary<string, string> Config)> fields)
{
    public IReadOnlyList<TRecord> All() =>
        database.Transaction((connection, transaction) => Query(connection, transaction, null));

    public TRecord? Find(string name) =>
        database.Transaction((connection, transaction) => Query(connection, transaction, name).SingleOrDefault());

    /// <summary>Adds a record; false when the name is taken.</summary>
    public bool TryAdd(TRecord record) =>
        database.Transaction((connection, transaction) =>
        {
            var (name, kind, description, config) = fields(record);
            using var insert = SqlCommands.Create(connection, transaction,
                $"INSERT INTO {table} (name, {kindColumn}, description, config) VALUES ($n, $k, $d, $c) ON CONFLICT(name) DO NOTHING;");
            insert.Parameters.AddWithValue("$n", name);
            insert.Parameters.AddWithValue("$k", kind);
            insert.Parameters.AddWithValue("$d", description);
            insert.Parameters.AddWithValue("$c", JsonSerializer.Serialize(config));
            return insert.ExecuteNonQuery() == 1;
        });

    /// <summary>Replaces the description and config of a record (its name and kind never change).</summary>
    public void Update(TRecord record) =>
        database.Transaction((connection, transaction) =>
        {
            var (name, _, description, config) = fields(record);
            using var update = SqlCommands.Create(connection, transaction, $"UPDATE {table} SET description = $d, config = $c WHERE name = $n;");
            update.Parameters.AddWithValue("$n", name);
            update.Parameters.AddWithValue("$d", description);
            update.Parameters.AddWithValue("$c", JsonSerializer.Serialize(config));
            update.ExecuteNonQuery();
        });

    public void Remove(string name) =>
        database.Transaction((connection, transaction) =>
        {
            using var delete = SqlCommands.Create(connection, transaction, $"DELETE FROM {table} WHERE name = $n;");
            delete.Parameters.AddWithValue("$n", name);
            delete.ExecuteNonQuery();
        });

    private List<TRecord> Query(SqliteConnection connection, SqliteTransaction transaction, string? name)
    {
        using var query = SqlCommands.Create(connection, transaction, name is null
            ? $"SELECT name, {kindColumn}, description, config FROM {table} ORDER BY name;"
            : $"SELECT name, {kindColumn}, description, config FROM {table} WHERE name = $n;");
        if (name is not null)
        {
            query.Parameters.AddWithValue("$n", name);
        }
        using var reader = query.ExecuteReader();
        var records = new List<TRecord>();
        while (reader.Read())
        {
            records.Add(read(reader.GetString(0), reader.GetString(1), reader.GetString(2),
                JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(3)) ?? new Dictionary<string, string>()));
        }
        return records;
    }
}
