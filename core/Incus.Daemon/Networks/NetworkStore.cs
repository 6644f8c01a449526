using Incus.Daemon.Database;

namespace Incus.Daemon.Networks;

/// <summary>The <c>networks</c> table.</summary>
public sealed class NetworkStore(LocalDatabase database)
{
    private readonly DriverConfigTable<NetworkRecord> _table = new(database, "networks", "type",
        (name, type, description, config) => new NetworkRecord(name, type, description, config),
        network => (network.Name, network.Type, network.Description, network.Config));

    public IReadOnlyList<NetworkRecord> All() => _table.All();

    public NetworkRecord? Find(string name) => _table.Find(name);

    /// <summary>Adds a network; false when the name is taken.</summary>
    public bool TryAdd(NetworkRecord network) => _table.TryAdd(network);

    public void Update(NetworkRecord network) => _table.Update(network);

    public void Remove(string name) => _table.Remove(name);
}
