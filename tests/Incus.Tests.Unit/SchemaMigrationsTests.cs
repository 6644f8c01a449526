using Incus.Daemon.Database;
using Microsoft.Data.Sqlite;

namespace Incus.Tests.Unit;

public sealed class SchemaMigrationsTests
{
    [Fact]
    public void FreshDatabaseReachesTheLatestVersionOnce()
    {
        using var directory = new TemporaryDirectory();
        string path = Path.Combine(directory.Path, "local.db");
        using (var database = new LocalDatabase(path))
        {
            Assert.Equal(SchemaMigrations.Steps.Count, database.SchemaVersion);
        }
        using (var reopened = new LocalDatabase(path))
        {
            Assert.Equal(SchemaMigrations.Steps.Count, reopened.SchemaVersion);
            int rows = reopened.Transaction((c, t) =>
            {
                using var count = c.CreateCommand();
                count.Transaction = t;
                count.CommandText = "SELECT COUNT(*) FROM schema;";
                return Convert.ToInt32(count.ExecuteScalar());
            });
            Assert.Equal(SchemaMigrations.Steps.Count, rows);
        }
    }

    [Fact]
    public void UsesWriteAheadLogging()
    {
        using var directory = new TemporaryDirectory();
        using var database = new LocalDatabase(Path.Combine(directory.Path, "local.db"));
        string mode = database.Transaction((c, t) =>
        {
            using var query = c.CreateCommand();
            query.Transaction = t;
            query.CommandText = "PRAGMA journal_mode;";
            return (string)query.ExecuteScalar()!;
        });
        Assert.Equal("wal", mode);
    }

    [Fact]
    public void AFailingMigrationLeavesTheSchemaAtTheLastWholeVersion()
    {
        using var directory = new TemporaryDirectory();
        using var database = new LocalDatabase(Path.Combine(directory.Path, "local.db"));
        var steps = SchemaMigrations.Steps.Append("CREATE TABLE half (id INTEGER); THIS IS NOT SQL;").ToList();
        Assert.Throws<SqliteException>(() => SchemaMigrations.Apply(database, steps));
        Assert.Equal(SchemaMigrations.Steps.Count, SchemaMigrations.Apply(database));
        bool halfExists = database.Transaction((c, t) =>
        {
            using var query = c.CreateCommand();
            query.Transaction = t;
            query.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE name = 'half';";
            return Convert.ToInt32(query.ExecuteScalar()) > 0;
        });
        Assert.False(halfExists);
    }

    [Fact]
    public void RefusesADatabaseFromANewerDaemon()
    {
        using var directory = new TemporaryDirectory();
        using var database = new LocalDatabase(Path.Combine(directory.Path, "local.db"));
        var error = Assert.Throws<InvalidOperationException>(() => SchemaMigrations.Apply(database, SchemaMigrations.Steps.Take(0).ToList()));
        Assert.Contains("newer than this daemon", error.Message);
    }
}
