using System.Text.Json;
using Incus.HelperProtocol;

namespace Incus.Helpers.Net;

/// <summary>
/// The links this daemon created, persisted in the helper's root-only state directory so that a
/// restarted helper still knows them. The helper refuses to touch any link not listed here.
/// </summary>
public sealed class OwnedLinks
{
    private static readonly Dictionary<string, OwnedLinks> Instances = new();
    private readonly string _path;
    private readonly SortedSet<string> _names;
    private readonly Lock _gate = new();

    private OwnedLinks(string path, SortedSet<string> names)
    {
        _path = path;
        _names = names;
    }

    public static OwnedLinks For(string stateDirectory)
    {
        lock (Instances)
        {
            if (!Instances.TryGetValue(stateDirectory, out var owned))
            {
                Directory.CreateDirectory(stateDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                string path = Path.Combine(stateDirectory, "owned-links.json");
                var names = File.Exists(path)
                    ? new SortedSet<string>(JsonSerializer.Deserialize(File.ReadAllText(path), HelperJsonContext.Default.StringArray) ?? [], StringComparer.Ordinal)
                    : new SortedSet<string>(StringComparer.Ordinal);
                owned = new OwnedLinks(path, names);
                Instances[stateDirectory] = owned;
            }
            return owned;
        }
    }

    public bool Contains(string name)
    {
        lock (_gate)
        {
            return _names.Contains(name);
        }
    }

    public IReadOnlyList<string> Snapshot()
    {
        lock (_gate)
        {
            return _names.ToArray();
        }
    }

    public void Add(string name) => Change(names => names.Add(name));

    public void Remove(string name) => Change(names => names.Remove(name));

    private void Change(Func<SortedSet<string>, bool> change)
    {
        lock (_gate)
        {
            if (!change(_names))
            {
                return;
            }
            AtomicJsonFile.Write(_path, _names.ToArray(), HelperJsonContext.Default.StringArray);
        }
    }
}
