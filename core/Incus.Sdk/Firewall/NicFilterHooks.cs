namespace Incus.Sdk.Firewall;

/// <summary>Which variant of a device filter a rule belongs to.</summary>
[Flags]
public enum NicFilterHooks
{
    /// <summary>Frames from the NIC delivered to the host through the bridge.</summary>
    Input = 1,

    /// <summary>Frames from the NIC bridged to other ports.</summary>
    Forward = 2,

    /// <summary>Both variants.</summary>
    Both = Input | Forward,
}
