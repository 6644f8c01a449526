using System.Text.Json;

namespace Incus.Helpers.Net;

/// <summary>
/// The proxy ARP/NDP entries this daemon added on interfaces it does not own, each with the owned veth
/// it was added for. Persisted like <see cref="OwnedLinks"/>, so a restarted helper can still remove
/// them, and so an address proxied for one NIC cannot be taken over by another.
/// </summary>
public sealed class ProxyNeighbors
{
    /// <summary>One entry: <paramref name="Address"/> answered for on <paramref name="Parent"/> on behalf of <paramref name="HostName"/>.</summary>
    public sealed record Entry(string Parent, string Address, string HostName);

    private readonly string _path;
    private readonly List<Entry> _entries;
    private readonly Lock _gate = new();

    private ProxyNeighbors(string path, List<Entry> entries)
    {
        _path = path;
        _entries = entries;
    }

    public static ProxyNeighbors Load(string stateDirectory)
    {
        Directory.CreateDirectory(stateDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        string path = Path.Combine(stateDirectory, "proxy-neighbors.json");
        var entries = File.Exists(path) ? JsonSerializer.Deserialize(File.ReadAllText(path), NetStateJsonContext.Default.ListEntry) ?? [] : [];
        return new ProxyNeighbors(path, entries);
    }

    /// <summary>The entry for <paramref name="address"/> on <paramref name="parent"/>, if any.</summary>
    public Entry? Find(string parent, string address)
    {
        lock (_gate)
        {
            return _entries.FirstOrDefault(e => e.Parent == parent && e.Address == address);
        }
    }

    public IReadOnlyList<Entry> OfHost(string hostName)
    {
        lock (_gate)
        {
            return _entries.Where(e => e.HostName == hostName).ToList();
        }
    }

    public bool AnyOn(string parent)
    {
        lock (_gate)
        {
            return _entries.Any(e => e.Parent == parent);
        }
    }

    public void Add(Entry entry) => Change(entries =>
    {
        if (entries.Contains(entry))
        {
            return false;
        }
        entries.Add(entry);
        return true;
    });

    public void Remove(Entry entry) => Change(entries => entries.Remove(entry));

    private void Change(Func<List<Entry>, bool> change)
    {
        lock (_gate)
        {
            if (!change(_entries))
            {
                return;
            }
            AtomicJsonFile.Write(_path, _entries, NetStateJsonContext.Default.ListEntry);
        }
    }
}
