using System.Diagnostics;
using System.Net.Sockets;
using Incus.Platform;

namespace Incus.Tests.Integration;

/// <summary>
/// A root helper started directly by the test, in its own network namespace, that accepts this test
/// process as its caller. It lets the tests send requests straight to the helper, as a hostile core would.
/// </summary>
public sealed class StandaloneHelper : IAsyncDisposable
{
    private readonly Socket _listener;

    private readonly bool _ownsDirectory;

    private StandaloneHelper(string name, string networkNamespace, string directory, Socket listener, Process process, bool ownsDirectory)
    {
        _ownsDirectory = ownsDirectory;
        Name = name;
        Namespace = networkNamespace;
        Directory = directory;
        _listener = listener;
        Process = process;
    }

    public string Name { get; }
    public string Namespace { get; }
    public string Directory { get; }
    public Process Process { get; }
    public string SocketPath => Path.Combine(Directory, $"{Name}-helper.socket");
    public string AuditLog => Path.Combine(Directory, "logs", "audit.log");

    /// <param name="name">Which helper to start.</param>
    /// <param name="sharedDirectory">An INCUS_DIR another standalone helper already uses, so the two work on the same tree.</param>
    public static async Task<StandaloneHelper> StartAsync(string name, string? sharedDirectory = null)
    {
        Stage.RequireRoot();
        string networkNamespace = $"incus-ith-{Guid.NewGuid():N}"[..20];
        (await Command.RunAsync("/bin/ip", "netns", "add", networkNamespace)).EnsureSuccess("ip netns add");
        string directory = sharedDirectory ?? System.IO.Directory.CreateTempSubdirectory("incus-ith-").FullName;
        // As the supervisor leaves INCUS_DIR: traversable, so container root can reach its rootfs.
        File.SetUnixFileMode(directory, (UnixFileMode)0b111_001_001);
        var listener = UnixListener.Create(Path.Combine(directory, $"{name}-helper.socket"), UnixFileMode.UserRead | UnixFileMode.UserWrite, 0, 0);
        int fd = (int)listener.SafeHandle.DangerousGetHandle();
        var start = new ProcessStartInfo("/bin/ip")
        {
            RedirectStandardInput = true,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (string argument in new[] { "netns", "exec", networkNamespace, Stage.Helper(name), "--listen-fd", fd.ToString(), "--caller-uid", "0", "--dir", directory })
        {
            start.ArgumentList.Add(argument);
        }
        var process = DescriptorInheritance.StartWithDescriptor(start, fd);
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        // The helper serves only the pids its parent announces; here the parent is this test process.
        await process.StandardInput.WriteLineAsync($"allow-pid {Environment.ProcessId}");
        await process.StandardInput.FlushAsync();
        return new StandaloneHelper(name, networkNamespace, directory, listener, process, ownsDirectory: sharedDirectory is null);
    }

    public async Task<HelperLineClient> ConnectAsync() => await HelperLineClient.ConnectAsync(SocketPath);

    public async ValueTask DisposeAsync()
    {
        Process.StandardInput.Close();
        using (var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
        {
            try
            {
                await Process.WaitForExitAsync(wait.Token);
            }
            catch (OperationCanceledException)
            {
                Process.Kill(entireProcessTree: true);
            }
        }
        Process.Dispose();
        _listener.Dispose();
        await Command.RunAsync("/bin/ip", "netns", "delete", Namespace);
        File.Delete(SocketPath);
        if (_ownsDirectory)
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }
}
