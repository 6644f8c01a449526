using System.Text.Json;
using Incus.Daemon.Database;
using Microsoft.Data.Sqlite;

namespace Incus.Daemon.Profiles;

/// <summary>The <c>profiles</c> table.</summary>
public sealed class ProfileStore(LocalDatabase database)
{
    public IReadOnlyList<ProfileRecord> All() => database.Transaction((c, t) => Query(c, t, null));

    public ProfileRecord? Find(string name) => database.Transaction((c, t) => Query(c, t, name).SingleOrDefault());

    public bool TryAdd(ProfileRecord profile) =>
        database.Transaction((c, t) =>
        {
            using var insert = SqlCommands.Create(c, t, "INSERT INTO profiles (name, description, config, devices) VALUES ($n, $d, $c, $v) ON CONFLICT(name) DO NOTHING;");
            Bind(insert, profile);
            return insert.ExecuteNonQuery() == 1;
        });

    public void Update(ProfileRecord profile) =>
        database.Transaction((c, t) =>
        {
            using var update = SqlCommands.Create(c, t, "UPDATE profiles SET description = $d, config = $c, devices = $v WHERE name = $n;");
            Bind(update, profile);
            update.ExecuteNonQuery();
        });

    public bool TryRename(string name, string newName) =>
        database.Transaction((c, t) =>
        {
            using var rename = SqlCommands.Create(c, t, "UPDATE OR IGNORE profiles SET name = $new WHERE name = $n;");
            rename.Parameters.AddWithValue("$n", name);
            rename.Parameters.AddWithValue("$new", newName);
            return rename.ExecuteNonQuery() == 1;
        });

    public void Remove(string name) =>
        database.Transaction((c, t) =>
        {
            using var delete = SqlCommands.Create(c, t, "DELETE FROM profiles WHERE name = $n;");
            delete.Parameters.AddWithValue("$n", name);
            delete.ExecuteNonQuery();
        });

    private static void Bind(SqliteCommand command, ProfileRecord profile)
    {
        command.Parameters.AddWithValue("$n", profile.Name);
        command.Parameters.AddWithValue("$d", profile.Description);
        command.Parameters.AddWithValue("$c", JsonSerializer.Serialize(profile.Config));
        command.Parameters.AddWithValue("$v", JsonSerializer.Serialize(profile.Devices));
    }

    private static List<ProfileRecord> Query(SqliteConnection c, SqliteTransaction t, string? name)
    {
        using var query = c.CreateCommand();
        query.Transaction = t;
        query.CommandText = name is null
            ? "SELECT name, description, config, devices FROM profiles ORDER BY name;"
            : "SELECT name, description, config, devices FROM profiles WHERE name = $n;";
        if (name is not null)
        {
            query.Parameters.AddWithValue("$n", name);
        }
        using var reader = query.ExecuteReader();
        var profiles = new List<ProfileRecord>();
        while (reader.Read())
        {
            profiles.Add(new ProfileRecord(reader.GetString(0), reader.GetString(1),
                JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(2)) ?? new(),
                JsonSerializer.Deserialize<Dictionary<string, Dictionary<string, string>>>(reader.GetString(3)) ?? new()));
        }
        return profiles;
    }
}
