namespace Incus.Tests.Integration;

/// <summary>The NIC filter behaviour suite against the xtables driver (ebtables, iptables and ip6tables raw).</summary>
public sealed class XtNicFilterTests(XtBridgeNetworkFixture fixture) : NicFilterBehaviour(fixture), IClassFixture<XtBridgeNetworkFixture>
{
    private static readonly (string Tool, string Table)[] Tables =
    [
        ("/usr/sbin/ebtables-save", "filter"), ("/usr/sbin/iptables-save", "raw"), ("/usr/sbin/ip6tables-save", "raw"),
        ("/usr/sbin/iptables-save", "filter"), ("/usr/sbin/ip6tables-save", "filter"), ("/usr/sbin/iptables-save", "nat"), ("/usr/sbin/ip6tables-save", "nat"),
    ];

    protected override string FirewallName => "xtables";

    /// <summary>
    /// Rules and chain declarations mentioning <paramref name="text"/>. An external flush empties chains
    /// but keeps them; a kept chain without a rule that reaches it filters nothing, so declarations
    /// count only while some rule jumps into them.
    /// </summary>
    protected override async Task<IReadOnlyList<string>> KernelStateMentioningAsync(string text)
    {
        var lines = await SaveLinesAsync();
        var rules = lines.Where(l => l.StartsWith("-A ", StringComparison.Ordinal)).ToList();
        return lines.Where(l => l.Contains(text, StringComparison.Ordinal)
            && (l.StartsWith("-A ", StringComparison.Ordinal) || rules.Any(r => r.EndsWith(" -j " + l[1..].Split(' ')[0], StringComparison.Ordinal)))).ToList();
    }

    /// <summary>The jumps from built-in chains into our NIC dispatch chains in ebtables: INPUT and FORWARD.</summary>
    protected override async Task<int> NicFilterBaseChainCountAsync()
    {
        var listing = (await Fixture.OnHostAsync("/usr/sbin/ebtables-save")).EnsureSuccess("ebtables-save");
        return listing.Output.Split('\n').Count(l => l.TrimEnd() is "-A INPUT -j INCUS-IN" or "-A FORWARD -j INCUS-FWD");
    }

    protected override async Task FlushEverythingExternallyAsync()
    {
        (await Fixture.OnHostAsync("/usr/sbin/ebtables", "-F")).EnsureSuccess("ebtables -F");
        foreach (string tool in new[] { "/usr/sbin/iptables", "/usr/sbin/ip6tables" })
        {
            foreach (string table in new[] { "filter", "raw", "nat" })
            {
                (await Fixture.OnHostAsync(tool, "-t", table, "-F")).EnsureSuccess($"{tool} -t {table} -F");
            }
        }
    }

    private async Task<List<string>> SaveLinesAsync()
    {
        var lines = new List<string>();
        foreach (var (tool, table) in Tables)
        {
            var save = (await Fixture.OnHostAsync(tool, "-t", table)).EnsureSuccess(tool);
            lines.AddRange(save.Output.Split('\n').Select(l => l.TrimEnd()));
        }
        return lines;
    }
}
