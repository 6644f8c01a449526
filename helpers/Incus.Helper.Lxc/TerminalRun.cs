using Incus.Platform;

namespace Incus.Helpers.Lxc;

/// <summary>
/// lxc-attach on a host pseudo-terminal. lxc-attach allocates a terminal inside the container (from
/// the container's own devpts, so the command's tty is a /dev/pts device there) when its stdin is a
/// terminal, then copies bytes between the two and passes window-size changes on when it gets
/// SIGWINCH. So lxc-attach runs as the leader of a new session with the slave as its controlling
/// terminal, where TIOCSWINSZ on the master signals it; that is more direct than wrapping it in
/// setsid(1) or script(1), which would add a process between the helper and lxc-attach and so between
/// the helper and the exit status. The host side is raw: the container's terminal alone does echo,
/// line editing and signal characters. lxc-attach turns on OPOST and ONLCR for its terminal and puts
/// back what it found when it exits; the host terminal starts with exactly those flags, so all bytes
/// through it, whenever written, are translated alike and <see cref="NewlineTranslationReversal"/>
/// undoes it exactly. lxc-attach also sets up its terminal with TCSAFLUSH, which discards input that
/// arrived before; input is therefore held until the master, in packet mode, reports that flush.
/// </summary>
internal sealed class TerminalRun : IAttachedRun
{
    // An lxc-attach that never flushes its terminal's input does not hold input back for longer.
    private static readonly TimeSpan SetupWait = TimeSpan.FromSeconds(5);

    private readonly Pseudoterminal _terminal;
    private readonly TerminalProcess _child;
    private readonly TaskCompletionSource _setUp = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private TerminalRun(Pseudoterminal terminal, TerminalProcess child, FrameWriter frames)
    {
        _terminal = terminal;
        _child = child;
        // Reads from the master block, so the pump has a thread of its own. It ends once lxc-attach,
        // the only holder of the slave, has exited and the output is drained.
        OutputDone = Task.Factory.StartNew(() => ExecPumps.PumpTerminal(terminal, frames, () => _setUp.TrySetResult()), CancellationToken.None,
            TaskCreationOptions.LongRunning, TaskScheduler.Default);
        _ = Task.WhenAny(child.Exited, Task.Delay(SetupWait)).ContinueWith(_ => _setUp.TrySetResult(), TaskScheduler.Default);
    }

    public ProcessHandle? LxcAttach => _child.Handle;
    public Task<int> Exited => _child.Exited;
    public Task OutputDone { get; }

    public static TerminalRun Start(string program, AttachLaunch launch, string workingDirectory, FrameWriter frames)
    {
        var terminal = Pseudoterminal.Open();
        try
        {
            terminal.MakeRaw(translateNewlines: true);
            terminal.EnablePacketMode();
            if (launch.Columns > 0 && launch.Rows > 0)
            {
                terminal.SetWindowSize(launch.Columns, launch.Rows);
            }
            var child = TerminalProcess.Start(program, launch.Arguments, FixedCommand.Environment, terminal.SlavePath, workingDirectory);
            return new TerminalRun(terminal, child, frames);
        }
        catch
        {
            terminal.Dispose();
            throw;
        }
    }

    /// <summary>Waits for lxc-attach's terminal set-up, then blocks while the terminal's input queue is full, which only holds up further input.</summary>
    public async Task WriteInputAsync(byte[] data)
    {
        await _setUp.Task.ConfigureAwait(false);
        _terminal.Write(data);
    }

    /// <summary>A terminal has no end of input of its own; the command goes on until it exits or is signalled.</summary>
    public void EndInput()
    {
    }

    public void Resize(ushort columns, ushort rows) => _terminal.SetWindowSize(columns, rows);


    public void Dispose()
    {
        _child.Dispose();
        _terminal.Dispose();
    }
}
