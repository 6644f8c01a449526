using Incus.Sdk.Drivers;
using Incus.Sdk.Firewall;
using Incus.Sdk.Helpers;

namespace Incus.DriverCheck;

/// <summary>One firewall driver on the spoof testbed: what a check does to it, each call with a time limit.</summary>
public sealed class DriverRun(IFirewallDriver driver, SpoofTestbed testbed, CancellationToken cancellationToken)
{
    private static readonly TimeSpan CallLimit = TimeSpan.FromSeconds(60);

    public SpoofTestbed Testbed => testbed;

    public INetHelper Net => testbed.Net;

    public CancellationToken CancellationToken => cancellationToken;

    public Task ApplyAsync(NicFilterSpec spec) =>
        driver.ApplyNicFilterAsync(spec, testbed.Net, cancellationToken).WaitAsync(CallLimit, cancellationToken);

    public Task ClearAsync(SpoofPeer peer) =>
        driver.ClearNicFilterAsync(peer.HostName, testbed.Net, cancellationToken).WaitAsync(CallLimit, cancellationToken);

    /// <summary>Sends the cases' frames; throws <see cref="CheckFailedException"/> unless each arrived or was dropped as it must.</summary>
    /// <returns>What arrived of each case, for the report.</returns>
    public async Task<string> ExpectAsync(params FrameCase[] cases)
    {
        var measured = await testbed.MeasureAsync(cases).WaitAsync(CallLimit, cancellationToken).ConfigureAwait(false);
        string seen = string.Join(", ", measured.Select(m => $"{m.Case.Description}: {m.Arrived} arrived"));
        var wrong = measured.Where(m => m.Case.MustArrive ? m.Arrived == 0 : m.Arrived > 0).ToList();
        if (wrong.Count > 0)
        {
            throw new CheckFailedException(string.Join("; ", wrong.Select(m => m.Case.MustArrive
                ? $"{m.Case.Description} must arrive but did not"
                : $"{m.Case.Description} must be dropped but {m.Arrived} arrived")) + $" (seen: {seen})");
        }
        return seen;
    }

    /// <summary>
    /// Asks the driver which of the testbed's NICs lack a filter; throws <see cref="CheckFailedException"/>
    /// unless the answer is exactly <paramref name="expected"/>.
    /// </summary>
    public async Task<string> ExpectMissingAsync(IReadOnlyCollection<string> expected)
    {
        string[] asked = [SpoofTestbed.Attacker.HostName, SpoofTestbed.Victim.HostName];
        var missing = await driver.MissingNicFiltersAsync(asked, testbed.Net, cancellationToken).WaitAsync(CallLimit, cancellationToken).ConfigureAwait(false);
        string shown = missing.Count == 0 ? "none" : string.Join(", ", missing.Order(StringComparer.Ordinal));
        if (!missing.ToHashSet(StringComparer.Ordinal).SetEquals(expected))
        {
            throw new CheckFailedException(
                $"MissingNicFiltersAsync({string.Join(", ", asked)}) named {shown}; expected {(expected.Count == 0 ? "none" : string.Join(", ", expected.Order(StringComparer.Ordinal)))}");
        }
        return $"MissingNicFiltersAsync names {shown}";
    }
}
