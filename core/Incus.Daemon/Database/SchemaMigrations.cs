using Microsoft.Data.Sqlite;

namespace Incus.Daemon.Database;

/// <summary>
/// Versioned schema changes. Each entry runs once, in order, in its own transaction together with
/// the version bump, so a crash leaves the schema at a whole version. Append only: never edit a
/// migration that has shipped.
/// </summary>
public static class SchemaMigrations
{
    public static readonly IReadOnlyList<string> Steps =
    [
        // 1: server configuration key/values.
        """
        CREATE TABLE config (
            key   TEXT PRIMARY KEY NOT NULL,
            value TEXT NOT NULL
        );
        """,
        // 2: storage pools; config is a JSON object of key/values.
        """
        CREATE TABLE storage_pools (
            id          INTEGER PRIMARY KEY AUTOINCREMENT,
            name        TEXT NOT NULL UNIQUE,
            driver      TEXT NOT NULL,
            description TEXT NOT NULL DEFAULT '',
            config      TEXT NOT NULL DEFAULT '{}'
        );
        """,
        // 3: images (the file is images/<fingerprint>) and their aliases.
        """
        CREATE TABLE images (
            id           INTEGER PRIMARY KEY AUTOINCREMENT,
            fingerprint  TEXT NOT NULL UNIQUE,
            filename     TEXT NOT NULL DEFAULT '',
            size         INTEGER NOT NULL,
            public       INTEGER NOT NULL DEFAULT 0,
            architecture TEXT NOT NULL,
            created_at   TEXT NOT NULL,
            uploaded_at  TEXT NOT NULL,
            properties   TEXT NOT NULL DEFAULT '{}'
        );
        CREATE TABLE image_aliases (
            id          INTEGER PRIMARY KEY AUTOINCREMENT,
            name        TEXT NOT NULL UNIQUE,
            image_id    INTEGER NOT NULL REFERENCES images (id) ON DELETE CASCADE,
            description TEXT NOT NULL DEFAULT ''
        );
        """,
        // 4: profiles, with the default profile every daemon has.
        """
        CREATE TABLE profiles (
            id          INTEGER PRIMARY KEY AUTOINCREMENT,
            name        TEXT NOT NULL UNIQUE,
            description TEXT NOT NULL DEFAULT '',
            config      TEXT NOT NULL DEFAULT '{}',
            devices     TEXT NOT NULL DEFAULT '{}'
        );
        INSERT INTO profiles (name, description) VALUES ('default', 'Default Incus profile');
        """,
        // 5: instances; config holds the volatile.* keys too, devices and profiles are JSON.
        """
        CREATE TABLE instances (
            id           INTEGER PRIMARY KEY AUTOINCREMENT,
            name         TEXT NOT NULL UNIQUE,
            architecture TEXT NOT NULL,
            description  TEXT NOT NULL DEFAULT '',
            config       TEXT NOT NULL DEFAULT '{}',
            devices      TEXT NOT NULL DEFAULT '{}',
            profiles     TEXT NOT NULL DEFAULT '[]',
            ephemeral    INTEGER NOT NULL DEFAULT 0,
            created_at   TEXT NOT NULL
        );
        """,
        // 6: managed networks; config is a JSON object of key/values with auto values resolved.
        """
        CREATE TABLE networks (
            id          INTEGER PRIMARY KEY AUTOINCREMENT,
            name        TEXT NOT NULL UNIQUE,
            type        TEXT NOT NULL,
            description TEXT NOT NULL DEFAULT '',
            config      TEXT NOT NULL DEFAULT '{}'
        );
        """,
        // 7: the remote API's trust store; certificate is the PEM, projects a JSON array.
        """
        CREATE TABLE certificates (
            id          INTEGER PRIMARY KEY AUTOINCREMENT,
            fingerprint TEXT NOT NULL UNIQUE,
            type        TEXT NOT NULL,
            name        TEXT NOT NULL,
            certificate TEXT NOT NULL,
            restricted  INTEGER NOT NULL DEFAULT 0,
            projects    TEXT NOT NULL DEFAULT '[]',
            description TEXT NOT NULL DEFAULT ''
        );
        """,
    ];

    public static int Apply(LocalDatabase database) => Apply(database, Steps);

    public static int Apply(LocalDatabase database, IReadOnlyList<string> steps)
    {
        database.Transaction((connection, transaction) =>
        {
            Run(connection, transaction, "CREATE TABLE IF NOT EXISTS schema (version INTEGER NOT NULL, applied_at TEXT NOT NULL);");
        });
        int current = CurrentVersion(database);
        if (current > steps.Count)
        {
            throw new InvalidOperationException(
                $"the database schema is version {current}, newer than this daemon knows ({steps.Count}); refusing to downgrade");
        }
        for (int version = current + 1; version <= steps.Count; version++)
        {
            string sql = steps[version - 1];
            int target = version;
            database.Transaction((connection, transaction) =>
            {
                Run(connection, transaction, sql);
                using var bump = SqlCommands.Create(connection, transaction, "INSERT INTO schema (version, applied_at) VALUES ($v, $t);");
                bump.Parameters.AddWithValue("$v", target);
                bump.Parameters.AddWithValue("$t", DateTimeOffset.UtcNow.ToString("O"));
                bump.ExecuteNonQuery();
            });
        }
        return CurrentVersion(database);
    }

    private static int CurrentVersion(LocalDatabase database) =>
        database.Transaction((connection, transaction) =>
        {
            using var query = SqlCommands.Create(connection, transaction, "SELECT COALESCE(MAX(version), 0) FROM schema;");
            return Convert.ToInt32(query.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        });

    private static void Run(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
