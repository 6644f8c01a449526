using System.Text.Json;
using Incus.Daemon.Database;
using Microsoft.Data.Sqlite;

namespace Incus.Daemon.Networks;

/// <summary>The <c>networks</c> table.</summary>
public sealed class NetworkStore(LocalDatabase database)
{
    public IReadOnlyList<NetworkRecord> All() =>
        database.Transaction((connection, transaction) => Query(connection, transaction, null));

    public NetworkRecord? Find(string name) =>
        database.Transaction((connection, transaction) => Query(connection, transaction, name).SingleOrDefault());

    /// <summary>Adds a network; false when the name is taken.</summary>
    public bool TryAdd(NetworkRecord network) =>
        database.Transaction((connection, transaction) =>
        {
            using var insert = SqlCommands.Create(connection, transaction, "INSERT INTO networks (name, type, description, config) VALUES ($n, $d, $desc, $c) ON CONFLICT(name) DO NOTHING;");
            insert.Parameters.AddWithValue("$n", network.Name);
            insert.Parameters.AddWithValue("$d", network.Type);
            insert.Parameters.AddWithValue("$desc", network.Description);
            insert.Parameters.AddWithValue("$c", JsonSerializer.Serialize(network.Config));
            return insert.ExecuteNonQuery() == 1;
        });

    public void Update(NetworkRecord network) =>
        database.Transaction((connection, transaction) =>
        {
            using var update = SqlCommands.Create(connection, transaction, "UPDATE networks SET description = $desc, config = $c WHERE name = $n;");
            update.Parameters.AddWithValue("$n", network.Name);
            update.Parameters.AddWithValue("$desc", network.Description);
            update.Parameters.AddWithValue("$c", JsonSerializer.Serialize(network.Config));
            update.ExecuteNonQuery();
        });

    public void Remove(string name) =>
        database.Transaction((connection, transaction) =>
        {
            using var delete = SqlCommands.Create(connection, transaction, "DELETE FROM networks WHERE name = $n;");
            delete.Parameters.AddWithValue("$n", name);
            delete.ExecuteNonQuery();
        });

    private static List<NetworkRecord> Query(SqliteConnection connection, SqliteTransaction transaction, string? name)
    {
        using var query = connection.CreateCommand();
        query.Transaction = transaction;
        query.CommandText = name is null
            ? "SELECT name, type, description, config FROM networks ORDER BY name;"
            : "SELECT name, type, description, config FROM networks WHERE name = $n;";
        if (name is not null)
        {
            query.Parameters.AddWithValue("$n", name);
        }
        using var reader = query.ExecuteReader();
        var networks = new List<NetworkRecord>();
        while (reader.Read())
        {
            networks.Add(new NetworkRecord(reader.GetString(0), reader.GetString(1), reader.GetString(2),
                JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(3)) ?? new Dictionary<string, string>()));
        }
        return networks;
    }
}
