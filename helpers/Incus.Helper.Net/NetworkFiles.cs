namespace Incus.Helpers.Net;

/// <summary>
/// The files of one bridge's dnsmasq, under <c>$INCUS_DIR/networks/&lt;bridge&gt;/</c>. The directory is
/// root's, group-readable by dnsmasq's group only, because the host entries name the instances.
/// </summary>
public sealed record NetworkFiles(string Directory)
{
    public static NetworkFiles For(string incusDir, string bridge) =>
        new(Path.Combine(incusDir, "networks", RequestValidation.InterfaceName(bridge, "bridge")));

    public string Hosts => Path.Combine(Directory, "dnsmasq.hosts");
    public string Leases => Path.Combine(Directory, "dnsmasq.leases");
    public string Pid => Path.Combine(Directory, "dnsmasq.pid");
}
