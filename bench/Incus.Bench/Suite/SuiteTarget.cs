namespace Incus.Bench.Suite;

/// <summary>A daemon the suite measures ("ours" or "lxd"), with the image alias its containers are created from.</summary>
public sealed record SuiteTarget(string Name, UnixSocketApi Api, string ImageAlias)
{
    public string SocketPath => Api.SocketPath;
}
