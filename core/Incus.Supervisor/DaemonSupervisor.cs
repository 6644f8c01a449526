using System.Net.Sockets;
using System.Runtime.InteropServices;
using Incus.Platform;
using Serilog;

namespace Incus.Supervisor;

/// <summary>
/// The root process: it owns the sockets, starts the helpers (root, reduced capabilities) and the
/// core (the unprivileged user, no capabilities), tells the helpers which pid is the core, and
/// restarts whichever child dies.
/// </summary>
public sealed class DaemonSupervisor(SupervisorOptions options, ILogger log) : IDisposable
{
    private static readonly string[] HelperNames = ["host", "net", "instance", "lxc"];
    private const string Setpriv = "/usr/bin/setpriv";
    private readonly List<Socket> _listeners = new();
    private readonly List<SupervisedChild> _helpers = new();
    private SupervisedChild? _core;
    private int? _corePid;

    public async Task<int> RunAsync()
    {
        var layout = options.Layout;
        var coreUser = UnixAccounts.FindUser(options.CoreUser)
            ?? throw new InvalidOperationException(
                $"user '{options.CoreUser}' does not exist; create it with: useradd --system --no-create-home --shell /usr/sbin/nologin {options.CoreUser}");
        uint socketGid = UnixAccounts.FindGroup(options.Group)
            ?? throw new InvalidOperationException($"group '{options.Group}' does not exist; create it with: groupadd --system {options.Group}");
        if (coreUser.Uid == 0)
        {
            throw new InvalidOperationException($"user '{options.CoreUser}' is root; the core must run unprivileged");
        }

        if (UnixListener.IsServed(layout.ApiSocket))
        {
            log.Error("Incus is already running on {Socket}", layout.ApiSocket);
            return 1;
        }

        PrepareDirectories(coreUser.Uid, coreUser.Gid);
        // INCUS_DIR is root's, so the core could not create these itself; see docs/decisions/0003.
        if (ServerCertificateFiles.Ensure(layout, coreUser.Uid, coreUser.Gid, Environment.MachineName))
        {
            log.Warning("generated the server certificate {Certificate}", layout.ServerCertificate);
        }
        var apiListener = Listen(layout.ApiSocket, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite, 0, socketGid);
        foreach (string helper in HelperNames)
        {
            var listener = Listen(layout.HelperSocket(helper), UnixFileMode.UserRead | UnixFileMode.UserWrite, coreUser.Uid, coreUser.Gid);
            var child = new SupervisedChild(HelperSpec(helper, listener, coreUser.Uid), log);
            child.Started += (_, _) => TellHelperAboutCore(child);
            _helpers.Add(child);
        }
        _core = new SupervisedChild(CoreSpec(apiListener, socketGid), log);
        _core.Started += (_, pid) => CoreStarted(pid);
        _core.Exited += (_, pid) => CoreExited(pid);

        using var stopping = new CancellationTokenSource();
        using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        using var onInt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            log.Warning("received {Signal}; stopping", context.Signal);
            stopping.Cancel();
        }

        foreach (var helper in _helpers)
        {
            helper.Start();
        }
        _core.Start();
        log.Warning("incusd started: dir {Dir}, socket group {Group}, core user {User}", layout.Root, options.Group, options.CoreUser);

        var supervision = _helpers.Append(_core).Select(child => child.SuperviseAsync(stopping.Token)).ToList();
        try
        {
            await Task.Delay(Timeout.Infinite, stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // SIGTERM or SIGINT: fall through to the orderly stop.
        }

        await _core.StopAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        await Task.WhenAll(_helpers.Select(h => h.StopAsync(TimeSpan.FromSeconds(5)))).ConfigureAwait(false);
        await Task.WhenAll(supervision).ConfigureAwait(false);
        CleanUp();
        log.Warning("incusd stopped");
        return 0;
    }

    private void PrepareDirectories(uint coreUid, uint coreGid)
    {
        var layout = options.Layout;
        const UnixFileMode Owner = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        EnsureDirectory(layout.Root, Owner | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute, 0, 0);
        EnsureDirectory(layout.LogDirectory, Owner, 0, 0);
        EnsureDirectory(layout.HelperStateRoot, Owner, 0, 0);
        EnsureDirectory(layout.RunDirectory, Owner | UnixFileMode.GroupRead | UnixFileMode.GroupExecute, 0, coreGid);
        EnsureDirectory(layout.DatabaseDirectory, Owner, coreUid, coreGid);
        // Written by the core; setgid root so every image file is readable by root's group, which lets the
        // instance helper unpack images without CAP_DAC_OVERRIDE.
        EnsureDirectory(layout.ImageDirectory, Owner | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.SetGroup, coreUid, 0);
    }

    private static void EnsureDirectory(string path, UnixFileMode mode, uint uid, uint gid)
    {
        Directory.CreateDirectory(path);
        File.SetUnixFileMode(path, mode);
        FileOwnership.Chown(path, uid, gid);
    }

    private Socket Listen(string path, UnixFileMode mode, uint uid, uint gid)
    {
        if (File.Exists(path))
        {
            // Nothing answered on it (checked above for the API socket; helper sockets are ours alone).
            File.Delete(path);
        }
        var socket = UnixListener.Create(path, mode, uid, gid);
        _listeners.Add(socket);
        return socket;
    }

    private ChildSpec HelperSpec(string helper, Socket listener, uint coreUid)
    {
        int fd = (int)listener.SafeHandle.DangerousGetHandle();
        var arguments = new List<string> { "--listen-fd", fd.ToString(), "--caller-uid", coreUid.ToString(), "--dir", options.Layout.Root };
        if (options.Debug)
        {
            arguments.Add("--debug");
        }
        return new ChildSpec($"helper-{helper}", Path.Combine(options.LibraryDirectory, "helpers", helper, $"incus-helper-{helper}"), arguments, fd);
    }

    private ChildSpec CoreSpec(Socket apiListener, uint socketGid)
    {
        int fd = (int)apiListener.SafeHandle.DangerousGetHandle();
        var arguments = new List<string>
        {
            // setpriv switches to the core user and empties every capability set before the core's runtime starts.
            "--reuid", options.CoreUser, "--regid", options.CoreUser, "--init-groups",
            "--inh-caps=-all", "--ambient-caps=-all", "--bounding-set=-all", "--no-new-privs", "--",
            Path.Combine(options.LibraryDirectory, "core", "incus-core"),
            "--dir", options.Layout.Root, "--listen-fd", fd.ToString(), "--socket-group-id", socketGid.ToString(),
            "--socket-group", options.Group, "--libdir", options.LibraryDirectory,
        };
        if (options.Debug)
        {
            arguments.Add("--debug");
        }
        else if (options.Verbose)
        {
            arguments.Add("--verbose");
        }
        return new ChildSpec("core", Setpriv, arguments, fd);
    }

    private void CoreStarted(int pid)
    {
        _corePid = pid;
        foreach (var helper in _helpers)
        {
            helper.SendControl($"allow-pid {pid}");
        }
    }

    private void CoreExited(int pid)
    {
        _corePid = null;
        foreach (var helper in _helpers)
        {
            helper.SendControl($"deny-pid {pid}");
        }
    }

    private void TellHelperAboutCore(SupervisedChild helper)
    {
        if (_corePid is int pid)
        {
            helper.SendControl($"allow-pid {pid}");
        }
    }

    private void CleanUp()
    {
        foreach (var listener in _listeners)
        {
            listener.Dispose();
        }
        File.Delete(options.Layout.ApiSocket);
        foreach (string helper in HelperNames)
        {
            File.Delete(options.Layout.HelperSocket(helper));
        }
    }

    public void Dispose()
    {
        foreach (var child in _helpers)
        {
            child.Dispose();
        }
        _core?.Dispose();
        foreach (var listener in _listeners)
        {
            listener.Dispose();
        }
    }
}
