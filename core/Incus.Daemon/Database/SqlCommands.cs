using Microsoft.Data.Sqlite;

namespace Incus.Daemon.Database;

/// <summary>Commands bound to the transaction they run in.</summary>
public static class SqlCommands
{
    public static SqliteCommand Create(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }
}
