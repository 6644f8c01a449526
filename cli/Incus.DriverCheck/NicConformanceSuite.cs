using Incus.Sdk.Plugins;

namespace Incus.DriverCheck;

/// <summary>Plugins of kind nic: each NIC device driver by <see cref="NicDriverChecks"/>, through the real net helper in a scratch network namespace.</summary>
public sealed class NicConformanceSuite : IConformanceSuite
{
    public PluginKind Kind => PluginKind.Nic;

    public Task<IReadOnlyList<CheckResult>> RunAsync(LoadedPlugin plugin, SuiteEnvironment environment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plugin);
        var nics = plugin.Status.Drivers.Where(plugin.Registry.Nics.ContainsKey).ToList();
        const string Row = "registers NIC drivers";
        if (nics.Count == 0 || nics.Count != plugin.Status.Drivers.Count)
        {
            return Task.FromResult<IReadOnlyList<CheckResult>>([CheckResult.Fail(Row,
                $"a nic plugin must register at least one NIC driver and nothing else; it registered: {(plugin.Status.Drivers.Count == 0 ? "none" : string.Join(", ", plugin.Status.Drivers))}")]);
        }
        var runs = nics.Select(name => NetDriverRun.For(new NicDriverChecks(plugin.Registry.Nics[name]), name)).ToList();
        return NetworkConformanceSuite.WithRegistrationAsync(CheckResult.Pass(Row, string.Join(", ", nics)), environment, NetDriverRun.RunAllAsync(plugin, environment, runs, cancellationToken));
    }
}
