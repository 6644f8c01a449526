using System.Diagnostics;
using System.Text.Json;
using Incus.Daemon.Helpers;
using Incus.Platform;
using Incus.Sdk.Helpers;

namespace Incus.DriverCheck;

/// <summary>
/// The stage for network and NIC driver checks, used by the copy of the kit that runs inside a scratch
/// network namespace: the real net helper started in that same namespace with a scratch INCUS_DIR, and
/// what the checks read back from the kernel there (links, addresses, sysctls, dnsmasq processes).
/// Everything it sees belongs to the namespace, never to the host's.
/// </summary>
public sealed class NetTestbed : IAsyncDisposable
{
    private const string Ip = "/bin/ip";
    private readonly HelperChildProcess _process;
    private readonly HelperConnection<INetHelper> _connection;

    private NetTestbed(string incusDirectory, HelperChildProcess process)
    {
        IncusDirectory = incusDirectory;
        _process = process;
        _connection = new HelperConnection<INetHelper>("net", process.SocketPath, Serilog.Core.Logger.None);
        Net = new NetHelperClient(_connection);
    }

    /// <summary>The helper's INCUS_DIR: whatever a driver makes the helper write lands beneath it.</summary>
    public string IncusDirectory { get; }

    public INetHelper Net { get; }

    public string RecentOutput => _process.RecentOutput;

    /// <summary>Starts the helper in this process's namespace, which must be a scratch one.</summary>
    public static async Task<NetTestbed> StartAsync(string helperPath, string workDirectory)
    {
        string directory = Path.Combine(workDirectory, "incus");
        Directory.CreateDirectory(directory);
        // As the supervisor leaves INCUS_DIR: traversable, not listable.
        File.SetUnixFileMode(directory, (UnixFileMode)0b111_001_001);
        var process = await HelperChildProcess.StartAsync(helperPath, directory, Path.Combine(workDirectory, "net-helper.socket")).ConfigureAwait(false);
        var testbed = new NetTestbed(directory, process);
        try
        {
            // The first call proves the helper runs and accepts this process.
            await testbed.Net.ListOwnedLinksAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            string output = testbed.RecentOutput;
            await testbed.DisposeAsync().ConfigureAwait(false);
            throw new InvalidOperationException($"the net helper at {helperPath} did not answer: {ex.Message}\n{output}", ex);
        }
        return testbed;
    }

    /// <summary>Runs <c>ip</c> in this namespace; throws with its message when it fails.</summary>
    public static Task IpAsync(params string[] arguments) => ScratchNetworkNamespace.RunAsync(Ip, arguments);

    /// <summary>The names of every link in this namespace.</summary>
    public static async Task<IReadOnlySet<string>> LinkNamesAsync()
    {
        using var links = JsonDocument.Parse(await OutputAsync(Ip, "-j", "link", "show").ConfigureAwait(false));
        return links.RootElement.EnumerateArray().Select(link => link.GetProperty("ifname").GetString()!).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>One link as <c>ip -j -d addr show</c> describes it, or null when there is none of that name.</summary>
    public static async Task<KernelLink?> LinkAsync(string name)
    {
        if (!Directory.Exists($"/sys/class/net/{name}"))
        {
            return null;
        }
        using var document = JsonDocument.Parse(await OutputAsync(Ip, "-j", "-d", "addr", "show", "dev", name).ConfigureAwait(false));
        var link = document.RootElement.EnumerateArray().Single();
        string Text(string property) => link.TryGetProperty(property, out var value) ? value.ToString() : "";
        var addresses = link.TryGetProperty("addr_info", out var info)
            ? info.EnumerateArray().Where(a => a.GetProperty("scope").GetString() != "link")
                .Select(a => $"{a.GetProperty("local").GetString()}/{a.GetProperty("prefixlen").GetInt32()}").ToList()
            : [];
        string kind = link.TryGetProperty("linkinfo", out var linkInfo) && linkInfo.TryGetProperty("info_kind", out var k) ? k.GetString() ?? "" : "";
        var flags = link.GetProperty("flags").EnumerateArray().Select(f => f.GetString()!).ToList();
        return new KernelLink(name, kind, Text("address"), flags.Contains("UP"), Text("master"), Text("link"), link.GetProperty("mtu").GetInt32(), addresses);
    }

    /// <summary>A per-interface sysctl of this namespace, or null when the interface or key is absent.</summary>
    public static string? InterfaceSysctl(string family, string link, string key) =>
        File.Exists($"/proc/sys/net/{family}/conf/{link}/{key}") ? File.ReadAllText($"/proc/sys/net/{family}/conf/{link}/{key}").Trim() : null;

    /// <summary>The dnsmasq processes running in this network namespace, with their command lines.</summary>
    public static IReadOnlyList<string> DnsmasqProcesses()
    {
        string own = new FileInfo("/proc/self/ns/net").LinkTarget ?? "";
        var found = new List<string>();
        foreach (string directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out int pid))
            {
                continue;
            }
            try
            {
                if (File.ReadAllText(Path.Combine(directory, "comm")).Trim() == "dnsmasq" && new FileInfo(Path.Combine(directory, "ns", "net")).LinkTarget == own)
                {
                    found.Add($"pid {pid}: {File.ReadAllText(Path.Combine(directory, "cmdline")).Replace('\0', ' ').Trim()}");
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The process exited while it was read: it runs nothing any more.
            }
        }
        return found;
    }

    private static Task<string> OutputAsync(string program, params string[] arguments) => ProgramOutput.ReadAsync(program, arguments);

    /// <summary>Stops the helper (and with it every dnsmasq it runs).</summary>
    public async ValueTask DisposeAsync()
    {
        await _connection.DisposeAsync().ConfigureAwait(false);
        await _process.DisposeAsync().ConfigureAwait(false);
    }
}
