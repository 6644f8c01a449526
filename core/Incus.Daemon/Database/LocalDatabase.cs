using Microsoft.Data.Sqlite;

namespace Incus.Daemon.Database;

/// <summary>
/// The node-local SQLite database. WAL with synchronous=FULL: a write is acknowledged only once it
/// is in the log on disk, so a crash loses nothing the API already answered for.
/// </summary>
public sealed class LocalDatabase : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly Lock _gate = new();

    public LocalDatabase(string path)
    {
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
        }.ToString());
        _connection.Open();
        Execute("PRAGMA journal_mode=WAL;");
        Execute("PRAGMA synchronous=FULL;");
        Execute("PRAGMA foreign_keys=ON;");
        Execute("PRAGMA busy_timeout=5000;");
        SchemaVersion = SchemaMigrations.Apply(this);
    }

    /// <summary>The schema version after migrations ran.</summary>
    public int SchemaVersion { get; }

    /// <summary>Runs <paramref name="work"/> in one transaction under the database lock.</summary>
    public T Transaction<T>(Func<SqliteConnection, SqliteTransaction, T> work)
    {
        lock (_gate)
        {
            using var transaction = _connection.BeginTransaction();
            T result = work(_connection, transaction);
            transaction.Commit();
            return result;
        }
    }

    public void Transaction(Action<SqliteConnection, SqliteTransaction> work) =>
        Transaction<bool>((c, t) =>
        {
            work(c, t);
            return true;
        });

    private void Execute(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public void Dispose() => _connection.Dispose();
}
