namespace Incus.Daemon.Server;

/// <summary>
/// The API extensions this daemon really implements, by their Incus names. Clients detect features
/// only through this list, so a name is added in the same change that makes it work.
/// </summary>
public static class ApiExtensions
{
    public static readonly IReadOnlyList<string> Implemented =
    [
        "etag",   // ETag on GET /1.0 and If-Match on PUT/PATCH /1.0
        "patch",  // PATCH /1.0
        "api_os", // environment.os_name and os_version
        "instances", // /1.0/instances (with the /1.0/containers aliases)
        "container_full", // recursion=2 on instance lists returns state with each instance
        "instance_get_full", // recursion=1 on one instance returns its state
        "api_filtering", // filter= on instance lists
        "network", // /1.0/networks: managed bridges
        "network_leases", // /1.0/networks/{name}/leases
    ];
}
