using Incus.Sdk.Plugins;

namespace Incus.DriverCheck;

/// <summary>
/// Plugins of kind network: each network driver by <see cref="NetworkDriverChecks"/>, and each NIC
/// driver the plugin registers with them (such as bridged NICs for bridge networks) by
/// <see cref="NicDriverChecks"/>, all through the real net helper in a scratch network namespace.
/// </summary>
public sealed class NetworkConformanceSuite : IConformanceSuite
{
    public PluginKind Kind => PluginKind.Network;

    public Task<IReadOnlyList<CheckResult>> RunAsync(LoadedPlugin plugin, SuiteEnvironment environment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plugin);
        var networks = plugin.Status.Drivers.Where(plugin.Registry.Networks.ContainsKey).ToList();
        var nics = plugin.Status.Drivers.Where(plugin.Registry.Nics.ContainsKey).ToList();
        var others = plugin.Status.Drivers.Except(networks).Except(nics).ToList();
        const string Row = "registers network drivers";
        if (networks.Count == 0 || others.Count > 0)
        {
            return Task.FromResult<IReadOnlyList<CheckResult>>([CheckResult.Fail(Row,
                $"a network plugin must register at least one network driver, and NIC drivers besides; it registered: {(plugin.Status.Drivers.Count == 0 ? "none" : string.Join(", ", plugin.Status.Drivers))}")]);
        }
        var runs = networks.Select(name => NetDriverRun.For(new NetworkDriverChecks(plugin.Registry.Networks[name]), name))
            .Concat(nics.Select(name => NetDriverRun.For(new NicDriverChecks(plugin.Registry.Nics[name]), name))).ToList();
        return WithRegistrationAsync(CheckResult.Pass(Row, string.Join(", ", plugin.Status.Drivers)), environment, NetDriverRun.RunAllAsync(plugin, environment, runs, cancellationToken));
    }

    /// <summary>The registration row first, in the kit as started; the copy in the namespace reports only its rows, or it would be reported twice.</summary>
    internal static async Task<IReadOnlyList<CheckResult>> WithRegistrationAsync(CheckResult registration, SuiteEnvironment environment, Task<IReadOnlyList<CheckResult>> rows) =>
        environment.NetworkNamespace is null ? [registration, .. await rows.ConfigureAwait(false)] : await rows.ConfigureAwait(false);
}
