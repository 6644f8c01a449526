using System.Globalization;
using Incus.Sdk.Helpers;

namespace Incus.Helpers.Lxc;

/// <summary>Hot-plugging NICs into running containers.</summary>
public sealed partial class ContainerHelperService
{
    private const string Ip = "/bin/ip";
    private const string Nsenter = "/usr/bin/nsenter";

    /// <summary>
    /// Moves the link into the container's network namespace, then names it, brings it up and gives it
    /// its static addresses and routes there.
    /// lxc-device is not used: it looks for the link in pid 1's namespace, which is not this daemon's
    /// when the daemon runs in a namespace of its own.
    /// </summary>
    public Task AttachNicAsync(ContainerNicAttach attach, CancellationToken cancellationToken = default) =>
        Serialized<bool>("AttachNic", attach, cancellationToken, async () =>
        {
            Required(attach);
            string name = InstanceNames.Validate(attach.Instance);
            var nic = NicLinks.Validate([attach.Nic], paths.IncusDir)[0];
            var state = await StateAsync(name).ConfigureAwait(false);
            if (!state.Running || state.Pid <= 0)
            {
                throw new HelperRequestException($"container {name} is not running");
            }
            string pid = state.Pid.ToString(CultureInfo.InvariantCulture);
            RecentNetworkReads.Forget(state.Pid);
            await FixedCommand.RunAsync(Ip, ["link", "set", "dev", nic.Link, "netns", pid], cancellationToken: cancellationToken).ConfigureAwait(false);
            var inside = new List<string> { "link", "set", "dev", nic.Link, "name", nic.Name };
            if (nic.Mtu is int mtu)
            {
                inside.AddRange(["mtu", mtu.ToString(CultureInfo.InvariantCulture)]);
            }
            inside.Add("up");
            await FixedCommand.RunAsync(Nsenter, ["--target", pid, "--net", "--", Ip, .. inside], cancellationToken: cancellationToken).ConfigureAwait(false);
            if (nic.Addresses is { } addresses && NicAddressing.InsideCommands(nic.Name, addresses) is { Length: > 0 } commands)
            {
                // What LXC does at start for a NIC with static addresses, done here for one plugged in later.
                await FixedCommand.RunAsync(Nsenter, ["--target", pid, "--net", "--", Ip, "-batch", "-"], commands, cancellationToken).ConfigureAwait(false);
            }
            // Also after: a listing during the attach may have read the interfaces half-way.
            RecentNetworkReads.Forget(state.Pid);
            return true;
        });
}
