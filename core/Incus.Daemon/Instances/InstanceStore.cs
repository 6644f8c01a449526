using System.Globalization;
using System.Text.Json;
using Incus.Daemon.Database;
using Microsoft.Data.Sqlite;

namespace Incus.Daemon.Instances;

/// <summary>The <c>instances</c> table.</summary>
public sealed class InstanceStore(LocalDatabase database)
{
    public IReadOnlyList<InstanceRecord> All() => database.Transaction((c, t) => Query(c, t, null));

    public InstanceRecord? Find(string name) => database.Transaction((c, t) => Query(c, t, name).SingleOrDefault());

    public bool TryAdd(InstanceRecord instance) =>
        database.Transaction((c, t) =>
        {
            using var insert = SqlCommands.Create(c, t, """
                INSERT INTO instances (name, architecture, description, config, devices, profiles, ephemeral, created_at)
                VALUES ($n, $a, $d, $c, $v, $p, $e, $t) ON CONFLICT(name) DO NOTHING;
                """);
            Bind(insert, instance);
            return insert.ExecuteNonQuery() == 1;
        });

    /// <summary>
    /// Sets daemon-owned volatile keys (an empty value removes one), reading the rest of the config in the
    /// same transaction, so a concurrent user change and this write cannot undo each other. Nothing
    /// happens if the instance is gone.
    /// </summary>
    public void SetVolatile(string name, IReadOnlyDictionary<string, string> keys) =>
        database.Transaction((c, t) =>
        {
            if (Query(c, t, name).SingleOrDefault() is not { } current)
            {
                return;
            }
            var config = new Dictionary<string, string>(current.Config);
            Apply(config, keys);
            using var update = SqlCommands.Create(c, t, "UPDATE instances SET config = $c WHERE name = $n;");
            update.Parameters.AddWithValue("$n", name);
            update.Parameters.AddWithValue("$c", JsonSerializer.Serialize(config));
            update.ExecuteNonQuery();
        });

    /// <summary>
    /// Stores a user's change: everything but the volatile keys from <paramref name="instance"/>, and the
    /// volatile keys as they are now with <paramref name="volatileChanges"/> on top. Volatile keys the
    /// daemon set meanwhile (power state, the map a start just applied) are therefore kept.
    /// </summary>
    public void Update(InstanceRecord instance, IReadOnlyDictionary<string, string> volatileChanges) =>
        database.Transaction((c, t) =>
        {
            var latest = Query(c, t, instance.Name).SingleOrDefault()?.Config ?? instance.Config;
            var config = instance.Config.Where(kv => !InstanceConfigKeys.IsVolatile(kv.Key))
                .Concat(latest.Where(kv => InstanceConfigKeys.IsVolatile(kv.Key)))
                .ToDictionary(StringComparer.Ordinal);
            Apply(config, volatileChanges);
            using var update = SqlCommands.Create(c, t, "UPDATE instances SET description = $d, config = $c, devices = $v, profiles = $p, ephemeral = $e WHERE name = $n;");
            Bind(update, instance with { Config = config });
            update.ExecuteNonQuery();
        });

    /// <summary>An empty value removes the key (a NIC's host name once its host side is gone).</summary>
    private static void Apply(Dictionary<string, string> config, IReadOnlyDictionary<string, string> changes)
    {
        foreach (var (key, value) in changes)
        {
            if (value.Length == 0)
            {
                config.Remove(key);
            }
            else
            {
                config[key] = value;
            }
        }
    }

    public void Remove(string name) =>
        database.Transaction((c, t) =>
        {
            using var delete = SqlCommands.Create(c, t, "DELETE FROM instances WHERE name = $n;");
            delete.Parameters.AddWithValue("$n", name);
            delete.ExecuteNonQuery();
        });

    private static void Bind(SqliteCommand command, InstanceRecord instance)
    {
        command.Parameters.AddWithValue("$n", instance.Name);
        command.Parameters.AddWithValue("$a", instance.Architecture);
        command.Parameters.AddWithValue("$d", instance.Description);
        command.Parameters.AddWithValue("$c", JsonSerializer.Serialize(instance.Config));
        command.Parameters.AddWithValue("$v", JsonSerializer.Serialize(instance.Devices));
        command.Parameters.AddWithValue("$p", JsonSerializer.Serialize(instance.Profiles));
        command.Parameters.AddWithValue("$e", instance.Ephemeral ? 1 : 0);
        command.Parameters.AddWithValue("$t", instance.CreatedAt.ToString("O"));
    }

    private static List<InstanceRecord> Query(SqliteConnection c, SqliteTransaction t, string? name)
    {
        using var query = c.CreateCommand();
        query.Transaction = t;
        const string Columns = "name, architecture, description, config, devices, profiles, ephemeral, created_at";
        query.CommandText = name is null
            ? $"SELECT {Columns} FROM instances ORDER BY name;"
            : $"SELECT {Columns} FROM instances WHERE name = $n;";
        if (name is not null)
        {
            query.Parameters.AddWithValue("$n", name);
        }
        using var reader = query.ExecuteReader();
        var instances = new List<InstanceRecord>();
        while (reader.Read())
        {
            instances.Add(new InstanceRecord(reader.GetString(0), reader.GetString(1), reader.GetString(2),
                JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(3)) ?? new(),
                JsonSerializer.Deserialize<Dictionary<string, Dictionary<string, string>>>(reader.GetString(4)) ?? new(),
                JsonSerializer.Deserialize<List<string>>(reader.GetString(5)) ?? [],
                reader.GetInt64(6) != 0,
                DateTimeOffset.Parse(reader.GetString(7), CultureInfo.InvariantCulture)));
        }
        return instances;
    }
}
