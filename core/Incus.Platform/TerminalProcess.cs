using System.Runtime.InteropServices;

namespace Incus.Platform;

/// <summary>
/// A child started with posix_spawn as the leader of a new session whose controlling terminal, stdin,
/// stdout and stderr are a pseudo-terminal's slave. System.Diagnostics.Process can give a child only
/// pipes, and a terminal needs setsid plus opening the slave in the child; posix_spawn does both
/// without running managed code between fork and exec. The child inherits no other descriptor
/// (closefrom 3), every signal disposition is reset to default (the runtime ignores SIGPIPE, which
/// would otherwise be inherited) and the signal mask is empty.
/// </summary>
public sealed class TerminalProcess : IDisposable
{
    private const short PosixSpawnSetSigDef = 0x04;
    private const short PosixSpawnSetSigMask = 0x08;
    private const short PosixSpawnSetSid = 0x80;
    private const int ORdWr = 2;
    private const int Eintr = 4;
    // glibc's posix_spawnattr_t is 336 bytes, posix_spawn_file_actions_t 80 and sigset_t 128 on 64-bit
    // Linux; the buffers are larger so a future glibc that grows them stays inside.
    private const int AttributesSize = 1024;
    private const int ActionsSize = 512;
    private const int SignalSetSize = 256;

    private readonly ProcessHandle _handle;

    private TerminalProcess(int pid, ProcessHandle handle)
    {
        Pid = pid;
        _handle = handle;
        // The wait blocks a thread for the child's lifetime, so it gets its own rather than a pool thread.
        Exited = Task.Factory.StartNew(() => WaitForExit(pid), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    public int Pid { get; }

    /// <summary>Completes with the exit status once the child has been reaped: its code, or 128 + the signal that killed it.</summary>
    public Task<int> Exited { get; }

    /// <summary>
    /// Starts <paramref name="program"/> (an absolute path) with the given argv (without argv[0]) and
    /// exactly the given environment, in <paramref name="workingDirectory"/>, on the terminal at
    /// <paramref name="terminalPath"/>. The slave is opened after setsid and without O_NOCTTY, so it
    /// becomes the new session's controlling terminal and window-size changes reach the child as SIGWINCH.
    /// </summary>
    public static unsafe TerminalProcess Start(string program, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string> environment,
        string terminalPath, string workingDirectory)
    {
        if (!Path.IsPathFullyQualified(program))
        {
            throw new ArgumentException($"program must be an absolute path: {program}");
        }
        string?[] argv = [program, .. arguments, null];
        string?[] envp = [.. environment.Select(e => $"{e.Key}={e.Value}"), null];

        byte* attributes = stackalloc byte[AttributesSize];
        byte* actions = stackalloc byte[ActionsSize];
        byte* allSignals = stackalloc byte[SignalSetSize];
        byte* noSignals = stackalloc byte[SignalSetSize];
        new Span<byte>(attributes, AttributesSize).Clear();
        new Span<byte>(actions, ActionsSize).Clear();
        Check(NativeMethods.posix_spawnattr_init(attributes), "posix_spawnattr_init");
        Check(NativeMethods.posix_spawn_file_actions_init(actions), "posix_spawn_file_actions_init");
        try
        {
            NativeMethods.sigfillset(allSignals);
            NativeMethods.sigemptyset(noSignals);
            Check(NativeMethods.posix_spawnattr_setflags(attributes, PosixSpawnSetSid | PosixSpawnSetSigDef | PosixSpawnSetSigMask), "posix_spawnattr_setflags");
            Check(NativeMethods.posix_spawnattr_setsigdefault(attributes, allSignals), "posix_spawnattr_setsigdefault");
            Check(NativeMethods.posix_spawnattr_setsigmask(attributes, noSignals), "posix_spawnattr_setsigmask");
            // glibc runs setsid before the file actions, so this open makes the slave the controlling terminal.
            Check(NativeMethods.posix_spawn_file_actions_addopen(actions, 0, terminalPath, ORdWr, 0), "posix_spawn_file_actions_addopen");
            Check(NativeMethods.posix_spawn_file_actions_adddup2(actions, 0, 1), "posix_spawn_file_actions_adddup2");
            Check(NativeMethods.posix_spawn_file_actions_adddup2(actions, 0, 2), "posix_spawn_file_actions_adddup2");
            Check(NativeMethods.posix_spawn_file_actions_addclosefrom_np(actions, 3), "posix_spawn_file_actions_addclosefrom_np");
            Check(NativeMethods.posix_spawn_file_actions_addchdir_np(actions, workingDirectory), "posix_spawn_file_actions_addchdir_np");

            int pid;
            int error = NativeMethods.posix_spawn(&pid, program, actions, attributes, argv, envp);
            if (error != 0)
            {
                throw new IOException($"posix_spawn {program} failed: {Marshal.GetPInvokeErrorMessage(error)}");
            }
            // Only this process reaps the child, so its pid cannot have been reused yet.
            var handle = ProcessHandle.TryOpen(pid) ?? throw new IOException($"child {pid} vanished before it was waited for");
            return new TerminalProcess(pid, handle);
        }
        finally
        {
            NativeMethods.posix_spawn_file_actions_destroy(actions);
            NativeMethods.posix_spawnattr_destroy(attributes);
        }
    }

    /// <summary>The child's pidfd, opened before anything could reap it.</summary>
    public ProcessHandle Handle => _handle;

    /// <summary>Closes the pidfd. The child is not waited for here; await <see cref="Exited"/> first.</summary>
    public void Dispose() => _handle.Dispose();

    private static unsafe int WaitForExit(int pid)
    {
        int status;
        while (NativeMethods.waitpid(pid, &status, 0) < 0)
        {
            int error = Marshal.GetLastPInvokeError();
            if (error != Eintr)
            {
                throw new IOException($"waitpid({pid}) failed: {Marshal.GetPInvokeErrorMessage(error)}");
            }
        }
        int signal = status & 0x7f;
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal;
    }

    private static void Check(int result, string call)
    {
        if (result != 0)
        {
            throw new IOException($"{call} failed: {Marshal.GetPInvokeErrorMessage(result)}");
        }
    }
}
