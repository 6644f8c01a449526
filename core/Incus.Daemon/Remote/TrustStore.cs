using System.Collections.Frozen;
using System.Text.Json;
using Incus.Api;
using Incus.Daemon.Database;
using Microsoft.Data.Sqlite;

namespace Incus.Daemon.Remote;

/// <summary>
/// The <c>certificates</c> table: client certificates trusted on the TLS listener. Every TLS request
/// is checked against it, so reads come from an in-memory copy that each change replaces before the
/// change returns; a removal is therefore seen by the very next request, on any connection.
/// </summary>
public sealed class TrustStore
{
    private readonly LocalDatabase _database;
    private readonly Lock _writes = new();
    private volatile FrozenDictionary<string, Certificate> _byFingerprint;

    public TrustStore(LocalDatabase database)
    {
        _database = database;
        _byFingerprint = Load();
    }

    /// <summary>
    /// Raised with a fingerprint after its certificate left the store (the in-memory copy already
    /// without it), so requests that passed their trust check earlier can be ended too.
    /// </summary>
    public event Action<string>? Revoked;

    public Certificate? Find(string fingerprint) => _byFingerprint.GetValueOrDefault(fingerprint);

    public IReadOnlyList<Certificate> All() => _byFingerprint.Values.OrderBy(c => c.Name, StringComparer.Ordinal).ThenBy(c => c.Fingerprint, StringComparer.Ordinal).ToList();

    /// <summary>Finds by a unique fingerprint prefix, as the CLI lets users type a short one.</summary>
    public Certificate? FindByPrefix(string prefix)
    {
        var matches = _byFingerprint.Values.Where(c => c.Fingerprint.StartsWith(prefix, StringComparison.Ordinal)).Take(2).ToList();
        return matches.Count == 1 ? matches[0] : null;
    }

    /// <summary>False when a certificate with this fingerprint is already trusted.</summary>
    public bool TryAdd(Certificate certificate)
    {
        lock (_writes)
        {
            bool added = _database.Transaction((connection, transaction) =>
            {
                using var insert = SqlCommands.Create(connection, transaction,
                    "INSERT INTO certificates (fingerprint, type, name, certificate, restricted, projects, description) " +
                    "VALUES ($f, $t, $n, $c, $r, $p, $d) ON CONFLICT(fingerprint) DO NOTHING;");
                insert.Parameters.AddWithValue("$f", certificate.Fingerprint);
                insert.Parameters.AddWithValue("$t", certificate.Type);
                insert.Parameters.AddWithValue("$n", certificate.Name);
                insert.Parameters.AddWithValue("$c", certificate.PemCertificate);
                insert.Parameters.AddWithValue("$r", certificate.Restricted ? 1 : 0);
                insert.Parameters.AddWithValue("$p", JsonSerializer.Serialize(certificate.Projects));
                insert.Parameters.AddWithValue("$d", certificate.Description);
                return insert.ExecuteNonQuery() == 1;
            });
            _byFingerprint = Load();
            return added;
        }
    }

    public bool Remove(string fingerprint)
    {
        bool removed;
        lock (_writes)
        {
            removed = _database.Transaction((connection, transaction) =>
            {
                using var delete = SqlCommands.Create(connection, transaction, "DELETE FROM certificates WHERE fingerprint = $f;");
                delete.Parameters.AddWithValue("$f", fingerprint);
                return delete.ExecuteNonQuery() == 1;
            });
            _byFingerprint = Load();
        }
        // Outside the lock: listeners abort connections, which must not hold up other trust changes.
        if (removed)
        {
            Revoked?.Invoke(fingerprint);
        }
        return removed;
    }

    private FrozenDictionary<string, Certificate> Load() =>
        _database.Transaction((connection, transaction) => Read(connection, transaction)).ToFrozenDictionary(c => c.Fingerprint, StringComparer.Ordinal);

    private static List<Certificate> Read(SqliteConnection connection, SqliteTransaction transaction)
    {
        using var query = SqlCommands.Create(connection, transaction,
            "SELECT fingerprint, type, name, certificate, restricted, projects, description FROM certificates;");
        using var reader = query.ExecuteReader();
        var result = new List<Certificate>();
        while (reader.Read())
        {
            result.Add(new Certificate
            {
                Fingerprint = reader.GetString(0),
                Type = reader.GetString(1),
                Name = reader.GetString(2),
                PemCertificate = reader.GetString(3),
                Restricted = reader.GetInt64(4) != 0,
                Projects = JsonSerializer.Deserialize<List<string>>(reader.GetString(5)) ?? [],
                Description = reader.GetString(6),
            });
        }
        return result;
    }
}
