namespace Incus.Plugins.FirewallXt;

/// <summary>
/// Where a NIC's dispatch rule lives below a dispatch chain (<c>INCUS-IN</c>, <c>INCUS-FWD</c>,
/// <c>INCUS-PRE</c>). xtables has no verdict map, and a flat list of one rule per NIC made every
/// bridged frame walk a thousand rules once a thousand NICs were filtered (DESIGN §4). So the rules
/// hang in a two-level tree keyed on the interface name with the xtables <c>+</c> wildcard: the
/// core names host veths <c>veth</c> + 8 random hex digits, so <c>-i veth0+</c> … <c>-i vethf+</c>
/// lead to <c>INCUS-IN-0</c> … <c>INCUS-IN-f</c>, and those to <c>INCUS-IN-00</c> … <c>INCUS-IN-ff</c>,
/// which hold the exact per-NIC rules: a frame meets at most 16 + 16 bucket rules and the few NICs
/// of its bucket. Any other name (a user's <c>host_name</c>, tests) goes to the catch-all
/// <c>INCUS-IN-other</c>, which every frame enters, so only those NICs still cost per frame.
/// The exact <c>-i</c> match in the leaf is what selects the NIC; the buckets only narrow the search.
/// </summary>
public static class XtDispatchTree
{
    /// <summary>The prefix of the host veth names the core chooses.</summary>
    public const string Stem = "veth";

    /// <summary>The key of the bucket for names that are not <see cref="Stem"/> followed by two lowercase hex digits.</summary>
    public const string OtherBucket = "other";

    /// <summary>One jump on the way: <paramref name="Rule"/> (without <c>-A chain</c>) in <paramref name="Parent"/> leads to <paramref name="Child"/>.</summary>
    public sealed record Hop(string Parent, string Rule, string Child);

    /// <summary>
    /// The jumps from <paramref name="root"/> to the bucket chain holding the rule of
    /// <paramref name="hostName"/>; <paramref name="interfaceOption"/> is <c>-i</c> or
    /// <c>-m physdev --physdev-in</c>.
    /// </summary>
    public static IReadOnlyList<Hop> Path(string root, string interfaceOption, string hostName)
    {
        ArgumentNullException.ThrowIfNull(hostName);
        if (!Fits(hostName))
        {
            string other = $"{root}-{OtherBucket}";
            return [new Hop(root, $"-j {other}", other)];
        }
        string one = hostName[..(Stem.Length + 1)];
        string two = hostName[..(Stem.Length + 2)];
        string first = $"{root}-{one[Stem.Length..]}";
        string second = $"{root}-{two[Stem.Length..]}";
        return
        [
            new Hop(root, $"{interfaceOption} {one}+ -j {first}", first),
            new Hop(first, $"{interfaceOption} {two}+ -j {second}", second),
        ];
    }

    /// <summary>The chain that holds the NIC's own dispatch rule.</summary>
    public static string Leaf(string root, string interfaceOption, string hostName) => Path(root, interfaceOption, hostName)[^1].Child;

    /// <summary>Whether the name gets a hex bucket; uppercase is another name to the kernel, so it does not.</summary>
    public static bool Fits(string hostName) =>
        hostName.Length >= Stem.Length + 2 && hostName.StartsWith(Stem, StringComparison.Ordinal)
        && IsLowerHex(hostName[Stem.Length]) && IsLowerHex(hostName[Stem.Length + 1]);

    private static bool IsLowerHex(char c) => c is >= '0' and <= '9' or >= 'a' and <= 'f';
}
