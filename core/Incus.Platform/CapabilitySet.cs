using System.Globalization;

namespace Incus.Platform;

/// <summary>A set of capabilities as the kernel prints it in /proc/&lt;pid&gt;/status (a 64-bit mask).</summary>
public readonly record struct CapabilitySet(ulong Mask)
{
    public static readonly CapabilitySet Empty = new(0);

    public static CapabilitySet Of(params LinuxCapability[] capabilities)
    {
        ulong mask = 0;
        foreach (var capability in capabilities)
        {
            mask |= 1UL << (int)capability;
        }
        return new CapabilitySet(mask);
    }

    public bool Contains(LinuxCapability capability) => (Mask & (1UL << (int)capability)) != 0;

    /// <summary>The form /proc/&lt;pid&gt;/status uses: 16 lowercase hex digits.</summary>
    public string ToStatusHex() => Mask.ToString("x16", CultureInfo.InvariantCulture);

    public static CapabilitySet ParseStatusHex(string hex) =>
        new(ulong.Parse(hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture));

    /// <summary>The kernel's name for a capability, such as cap_net_admin.</summary>
    public static string Name(LinuxCapability capability) =>
        "cap" + System.Text.RegularExpressions.Regex.Replace(capability.ToString(), "[A-Z]", m => "_" + m.Value.ToLowerInvariant());

    public override string ToString()
    {
        var names = Enum.GetValues<LinuxCapability>().Where(Contains).Select(Name);
        string joined = string.Join(",", names);
        return joined.Length == 0 ? "none" : joined;
    }
}
