using Microsoft.Data.Sqlite;

namespace Incus.Daemon.Database;

/// <summary>The server's config keys (<c>GET/PUT/PATCH /1.0</c>), stored in the <c>config</c> table.</summary>
public sealed class ServerConfigStore(LocalDatabase database)
{
    public Dictionary<string, string> GetAll() =>
        database.Transaction((connection, transaction) => ReadAll(connection, transaction));

    /// <summary>Replaces the whole config (PUT) in one transaction and returns the new config.</summary>
    public Dictionary<string, string> Replace(IReadOnlyDictionary<string, string> config) =>
        database.Transaction((connection, transaction) =>
        {
            using (var clear = connection.CreateCommand())
            {
                clear.Transaction = transaction;
                clear.CommandText = "DELETE FROM config;";
                clear.ExecuteNonQuery();
            }
            foreach (var (key, value) in config)
            {
                Upsert(connection, transaction, key, value);
            }
            return ReadAll(connection, transaction);
        });

    /// <summary>Merges changes (PATCH); an empty value removes the key, as in Incus.</summary>
    public Dictionary<string, string> Patch(IReadOnlyDictionary<string, string> changes) =>
        database.Transaction((connection, transaction) =>
        {
            foreach (var (key, value) in changes)
            {
                if (value.Length == 0)
                {
                    using var delete = SqlCommands.Create(connection, transaction, "DELETE FROM config WHERE key = $k;");
                    delete.Parameters.AddWithValue("$k", key);
                    delete.ExecuteNonQuery();
                }
                else
                {
                    Upsert(connection, transaction, key, value);
                }
            }
            return ReadAll(connection, transaction);
        });

    private static void Upsert(SqliteConnection connection, SqliteTransaction transaction, string key, string value)
    {
        using var upsert = SqlCommands.Create(connection, transaction, "INSERT INTO config (key, value) VALUES ($k, $v) ON CONFLICT(key) DO UPDATE SET value = excluded.value;");
        upsert.Parameters.AddWithValue("$k", key);
        upsert.Parameters.AddWithValue("$v", value);
        upsert.ExecuteNonQuery();
    }

    private static Dictionary<string, string> ReadAll(SqliteConnection connection, SqliteTransaction transaction)
    {
        using var query = SqlCommands.Create(connection, transaction, "SELECT key, value FROM config ORDER BY key;");
        using var reader = query.ExecuteReader();
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        while (reader.Read())
        {
            result[reader.GetString(0)] = reader.GetString(1);
        }
        return result;
    }
}
