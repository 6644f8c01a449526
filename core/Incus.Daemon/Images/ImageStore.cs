using System.Globalization;
using System.Text.Json;
using Incus.Daemon.Database;
using Microsoft.Data.Sqlite;

namespace Incus.Daemon.Images;

/// <summary>The <c>images</c> and <c>image_aliases</c> tables.</summary>
public sealed class ImageStore(LocalDatabase database)
{
    private const string Columns = "id, fingerprint, filename, size, public, architecture, created_at, uploaded_at, properties";

    public IReadOnlyList<ImageRecord> All() =>
        database.Transaction((c, t) => QueryImages(c, t, $"SELECT {Columns} FROM images ORDER BY fingerprint;", null));

    /// <summary>The image whose fingerprint starts with <paramref name="prefix"/>; null if none, an error if several.</summary>
    public ImageRecord? FindByPrefix(string prefix) =>
        database.Transaction((c, t) =>
        {
            var matches = QueryImages(c, t, $"SELECT {Columns} FROM images WHERE substr(fingerprint, 1, length($p)) = $p ORDER BY fingerprint LIMIT 2;", prefix);
            return matches.Count switch
            {
                0 => null,
                1 => matches[0],
                _ => throw Api.ApiException.BadRequest($"More than one image matches \"{prefix}\""),
            };
        });

    /// <summary>Adds an image and its aliases in one transaction; false when an alias name is taken.</summary>
    public bool TryAdd(ImageRecord image, IReadOnlyList<string> aliases) =>
        database.Transaction((c, t) =>
        {
            foreach (string alias in aliases)
            {
                using var taken = SqlCommands.Create(c, t, "SELECT COUNT(*) FROM image_aliases WHERE name = $n;");
                taken.Parameters.AddWithValue("$n", alias);
                if ((long)taken.ExecuteScalar()! > 0)
                {
                    return false;
                }
            }
            using var insert = SqlCommands.Create(c, t, """
                INSERT INTO images (fingerprint, filename, size, public, architecture, created_at, uploaded_at, properties)
                VALUES ($f, $n, $s, $p, $a, $c, $u, $props) RETURNING id;
                """);
            insert.Parameters.AddWithValue("$f", image.Fingerprint);
            insert.Parameters.AddWithValue("$n", image.Filename);
            insert.Parameters.AddWithValue("$s", image.Size);
            insert.Parameters.AddWithValue("$p", image.Public ? 1 : 0);
            insert.Parameters.AddWithValue("$a", image.Architecture);
            insert.Parameters.AddWithValue("$c", image.CreatedAt.ToString("O"));
            insert.Parameters.AddWithValue("$u", image.UploadedAt.ToString("O"));
            insert.Parameters.AddWithValue("$props", JsonSerializer.Serialize(image.Properties));
            long id = (long)insert.ExecuteScalar()!;
            foreach (string alias in aliases)
            {
                InsertAlias(c, t, alias, "", id);
            }
            return true;
        });

    public void UpdateImage(ImageRecord image) =>
        database.Transaction((c, t) =>
        {
            using var update = SqlCommands.Create(c, t, "UPDATE images SET public = $p, properties = $props WHERE id = $id;");
            update.Parameters.AddWithValue("$p", image.Public ? 1 : 0);
            update.Parameters.AddWithValue("$props", JsonSerializer.Serialize(image.Properties));
            update.Parameters.AddWithValue("$id", image.Id);
            update.ExecuteNonQuery();
        });

    public void RemoveImage(long id) =>
        database.Transaction((c, t) =>
        {
            using var delete = SqlCommands.Create(c, t, "DELETE FROM images WHERE id = $id;");
            delete.Parameters.AddWithValue("$id", id);
            delete.ExecuteNonQuery();
        });

    public IReadOnlyList<ImageAliasRecord> Aliases(string? fingerprint = null) =>
        database.Transaction((c, t) =>
        {
            using var query = SqlCommands.Create(c, t, fingerprint is null
                ? "SELECT a.name, a.description, i.fingerprint FROM image_aliases a JOIN images i ON i.id = a.image_id ORDER BY a.name;"
                : "SELECT a.name, a.description, i.fingerprint FROM image_aliases a JOIN images i ON i.id = a.image_id WHERE i.fingerprint = $f ORDER BY a.name;");
            if (fingerprint is not null)
            {
                query.Parameters.AddWithValue("$f", fingerprint);
            }
            using var reader = query.ExecuteReader();
            var aliases = new List<ImageAliasRecord>();
            while (reader.Read())
            {
                aliases.Add(new ImageAliasRecord(reader.GetString(0), reader.GetString(1), reader.GetString(2)));
            }
            return aliases;
        });

    public ImageAliasRecord? FindAlias(string name) => Aliases().FirstOrDefault(a => a.Name == name);

    /// <summary>Adds an alias; false when the name is taken.</summary>
    public bool TryAddAlias(string name, string description, long imageId) =>
        database.Transaction((c, t) => InsertAlias(c, t, name, description, imageId));

    public void UpdateAlias(string name, string description, long imageId) =>
        database.Transaction((c, t) =>
        {
            using var update = SqlCommands.Create(c, t, "UPDATE image_aliases SET description = $d, image_id = $i WHERE name = $n;");
            update.Parameters.AddWithValue("$n", name);
            update.Parameters.AddWithValue("$d", description);
            update.Parameters.AddWithValue("$i", imageId);
            update.ExecuteNonQuery();
        });

    public bool RemoveAlias(string name) =>
        database.Transaction((c, t) =>
        {
            using var delete = SqlCommands.Create(c, t, "DELETE FROM image_aliases WHERE name = $n;");
            delete.Parameters.AddWithValue("$n", name);
            return delete.ExecuteNonQuery() == 1;
        });

    private static bool InsertAlias(SqliteConnection c, SqliteTransaction t, string name, string description, long imageId)
    {
        using var insert = SqlCommands.Create(c, t, "INSERT INTO image_aliases (name, image_id, description) VALUES ($n, $i, $d) ON CONFLICT(name) DO NOTHING;");
        insert.Parameters.AddWithValue("$n", name);
        insert.Parameters.AddWithValue("$i", imageId);
        insert.Parameters.AddWithValue("$d", description);
        return insert.ExecuteNonQuery() == 1;
    }

    private static List<ImageRecord> QueryImages(SqliteConnection c, SqliteTransaction t, string sql, string? prefix)
    {
        using var query = SqlCommands.Create(c, t, sql);
        if (prefix is not null)
        {
            query.Parameters.AddWithValue("$p", prefix);
        }
        using var reader = query.ExecuteReader();
        var images = new List<ImageRecord>();
        while (reader.Read())
        {
            images.Add(new ImageRecord(
                reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3), reader.GetInt64(4) != 0, reader.GetString(5),
                DateTimeOffset.Parse(reader.GetString(6), CultureInfo.InvariantCulture), DateTimeOffset.Parse(reader.GetString(7), CultureInfo.InvariantCulture),
                JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(8)) ?? new Dictionary<string, string>()));
        }
        return images;
    }
}
