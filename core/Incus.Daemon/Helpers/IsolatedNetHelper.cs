using Incus.Platform;
using Incus.Sdk.Helpers;

namespace Incus.Daemon.Helpers;

/// <summary>
/// The installed net helper, started by this process inside a network namespace made for the run,
/// with a scratch INCUS_DIR. Tools that call firewall drivers outside a daemon (incus-driver-check,
/// incus-filter-bench) use it so that their bridges, veths and rules never reach the host's own
/// namespace; disposing it deletes the namespace and everything in it.
/// </summary>
public sealed class IsolatedNetHelper : IAsyncDisposable
{
    private readonly HelperChildProcess _process;
    private readonly HelperConnection<INetHelper> _connection;

    private IsolatedNetHelper(ScratchNetworkNamespace networkNamespace, string directory, HelperChildProcess process)
    {
        Namespace = networkNamespace;
        Directory = directory;
        _process = process;
        _connection = new HelperConnection<INetHelper>("net", process.SocketPath, Serilog.Core.Logger.None);
        Client = new NetHelperClient(_connection);
    }

    /// <summary>The namespace the helper and everything it makes live in.</summary>
    public ScratchNetworkNamespace Namespace { get; }

    /// <summary>The helper's INCUS_DIR, beneath the caller's work directory.</summary>
    public string Directory { get; }

    public INetHelper Client { get; }

    public string RecentOutput => _process.RecentOutput;

    /// <param name="helperPath">The net helper binary of an install (<c>helpers/net/incus-helper-net</c>).</param>
    /// <param name="workDirectory">Where the helper's INCUS_DIR and socket go; the caller removes it.</param>
    /// <param name="namespacePrefix">The start of the namespace's name, so that a leftover shows who made it.</param>
    public static async Task<IsolatedNetHelper> StartAsync(string helperPath, string workDirectory, string namespacePrefix)
    {
        if (!File.Exists(helperPath))
        {
            throw new FileNotFoundException($"the net helper is not at {helperPath}", helperPath);
        }
        string directory = Path.Combine(workDirectory, "incus");
        System.IO.Directory.CreateDirectory(directory);
        // As the supervisor leaves INCUS_DIR: traversable, not listable.
        File.SetUnixFileMode(directory, (UnixFileMode)0b111_001_001);
        var networkNamespace = await ScratchNetworkNamespace.CreateAsync(namespacePrefix).ConfigureAwait(false);
        HelperChildProcess process;
        try
        {
            process = await HelperChildProcess.StartAsync(helperPath, directory, Path.Combine(workDirectory, "net-helper.socket"), networkNamespace.Name)
                .ConfigureAwait(false);
        }
        catch
        {
            await networkNamespace.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        var helper = new IsolatedNetHelper(networkNamespace, directory, process);
        try
        {
            // The first call proves the helper runs and accepts this process.
            await helper.Client.ListOwnedLinksAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            string output = helper.RecentOutput;
            await helper.DisposeAsync().ConfigureAwait(false);
            throw new InvalidOperationException($"the net helper at {helperPath} did not answer: {ex.Message}\n{output}", ex);
        }
        return helper;
    }

    /// <summary>Stops the helper, then deletes the namespace, which takes its bridge, veths and rules with it.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await _connection.DisposeAsync().ConfigureAwait(false);
            await _process.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            await Namespace.DisposeAsync().ConfigureAwait(false);
        }
    }
}
