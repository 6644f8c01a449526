namespace Incus.Platform;

/// <summary>Fields of /proc/&lt;pid&gt;/status that the daemon and its tests check.</summary>
public sealed record ProcessStatus(uint RealUid, uint EffectiveUid, CapabilitySet Effective, CapabilitySet Permitted, CapabilitySet Bounding, int ParentPid)
{
    public static ProcessStatus Read(int pid) => Parse(File.ReadAllLines($"/proc/{pid}/status"));

    public static ProcessStatus ReadSelf() => Parse(File.ReadAllLines("/proc/self/status"));

    public static ProcessStatus Parse(IEnumerable<string> lines)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string line in lines)
        {
            int colon = line.IndexOf(':');
            if (colon > 0)
            {
                fields[line[..colon]] = line[(colon + 1)..].Trim();
            }
        }
        string[] uids = fields["Uid"].Split('\t', StringSplitOptions.RemoveEmptyEntries);
        return new ProcessStatus(
            uint.Parse(uids[0]),
            uint.Parse(uids[1]),
            CapabilitySet.ParseStatusHex(fields["CapEff"]),
            CapabilitySet.ParseStatusHex(fields["CapPrm"]),
            CapabilitySet.ParseStatusHex(fields["CapBnd"]),
            int.Parse(fields["PPid"]));
    }
}
