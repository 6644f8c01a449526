using Incus.Daemon.Helpers;
using Incus.Platform;
using Incus.Sdk.Helpers;

namespace Incus.DriverCheck;

/// <summary>
/// The real instance helper, started on a fresh INCUS_DIR with this process as its only caller, as the
/// supervisor starts it for the core. Storage drivers are checked against it, not against a fake, so a
/// driver passes only if it works with the helper the daemon ships.
/// </summary>
public sealed class InstanceHelperProcess : IAsyncDisposable
{
    private readonly HelperChildProcess _process;
    private readonly HelperConnection<IStorageHelper> _connection;

    private InstanceHelperProcess(string incusDirectory, HelperChildProcess process)
    {
        IncusDirectory = incusDirectory;
        _process = process;
        _connection = new HelperConnection<IStorageHelper>("instance", process.SocketPath, Serilog.Core.Logger.None);
        Storage = new StorageHelperClient(_connection);
    }

    /// <summary>The helper's INCUS_DIR; its pools live in <c>storage-pools/</c> beneath it.</summary>
    public string IncusDirectory { get; }

    public string StorageRoot => Path.Combine(IncusDirectory, "storage-pools");

    public IStorageHelper Storage { get; }

    public string RecentOutput => _process.RecentOutput;

    public static async Task<InstanceHelperProcess> StartAsync(string helperPath, string workDirectory)
    {
        if (!File.Exists(helperPath))
        {
            throw new FileNotFoundException($"the instance helper is not at {helperPath}; pass --libdir with the daemon's install directory", helperPath);
        }
        string incusDirectory = Path.Combine(workDirectory, "incus");
        string runDirectory = Path.Combine(workDirectory, "run");
        Directory.CreateDirectory(incusDirectory);
        Directory.CreateDirectory(runDirectory);
        // As the supervisor leaves INCUS_DIR: traversable, not listable.
        File.SetUnixFileMode(incusDirectory, (UnixFileMode)0b111_001_001);
        var process = await HelperChildProcess.StartAsync(helperPath, incusDirectory, Path.Combine(runDirectory, "instance.socket")).ConfigureAwait(false);
        var helper = new InstanceHelperProcess(incusDirectory, process);
        try
        {
            // The first call proves the helper runs and accepts us; it also creates the storage root.
            await helper.Storage.ListDirPoolsAsync().ConfigureAwait(false);
        }
        catch
        {
            await helper.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return helper;
    }

    public async ValueTask DisposeAsync()
    {
        await _connection.DisposeAsync().ConfigureAwait(false);
        await _process.DisposeAsync().ConfigureAwait(false);
    }
}
