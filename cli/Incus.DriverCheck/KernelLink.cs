namespace Incus.DriverCheck;

/// <summary>A link as the kernel shows it: kind (bridge, veth…), MAC, whether it is up, its bridge, its veth peer's index, MTU and non-link-local addresses.</summary>
public sealed record KernelLink(string Name, string Kind, string HwAddr, bool Up, string Master, string Peer, int Mtu, IReadOnlyList<string> Addresses)
{
    public override string ToString() =>
        $"{Name} ({(Kind.Length > 0 ? Kind : "no kind")}, {HwAddr}, {(Up ? "up" : "down")}, mtu {Mtu}{(Master.Length > 0 ? $", port of {Master}" : "")}{(Addresses.Count > 0 ? $", {string.Join(" ", Addresses)}" : "")})";
}
