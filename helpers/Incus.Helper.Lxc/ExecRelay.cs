using System.Buffers.Binary;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;
using Incus.HelperProtocol;
using Incus.Platform;

namespace Incus.Helpers.Lxc;

/// <summary>
/// Runs one command in a container through lxc-attach and carries its stdio and control requests
/// over a one-use Unix socket that only the requesting process (same uid and pid) may connect to
/// within 30 seconds. The session ends only after lxc-attach has been reaped and its output drained;
/// when the core goes away or breaks the frame format first, the command is killed rather than left
/// running with nobody to read its output.
/// </summary>
public static class ExecRelay
{
    private const string LxcAttach = "/usr/bin/lxc-attach";
    // lxc-attach gives the command its own working directory's path inside the container, so it
    // starts from "/" rather than from wherever the helper happens to run.
    private const string WorkingDirectory = "/";
    private const int SigKill = 9;
    // Input waits here while the command does not read it, so control frames keep flowing meanwhile.
    private const int QueuedInputFrames = 16;

    public static string Start(string runDirectory, CallContext context, AttachLaunch launch, Action<string> log)
    {
        string name = $"exec-{Guid.NewGuid():N}.socket";
        string path = Path.Combine(runDirectory, name);
        var listener = UnixListener.Create(path, UnixFileMode.UserRead | UnixFileMode.UserWrite, context.Caller.Uid, context.Caller.Gid, backlog: 1);
        var session = new Session(name, context, log);
        _ = Task.Run(async () =>
        {
            try
            {
                await RunAsync(listener, path, session, launch).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or InvalidOperationException or InvalidDataException)
            {
                log($"exec session {name} ended early: {ex.Message}");
            }
            finally
            {
                listener.Dispose();
                File.Delete(path);
            }
        });
        return name;
    }

    private sealed record Session(string Name, CallContext Context, Action<string> Log);

    private static async Task RunAsync(Socket listener, string path, Session session, AttachLaunch launch)
    {
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var connection = await listener.AcceptAsync(wait.Token).ConfigureAwait(false);
        listener.Dispose();
        File.Delete(path);
        var peer = SocketPeer.Read(connection);
        if (peer.Pid != session.Context.Caller.Pid || peer.Uid != session.Context.Caller.Uid)
        {
            throw new InvalidOperationException($"exec socket picked up by {peer}, not by the requester {session.Context.Caller}");
        }

        await using var core = new NetworkStream(connection, ownsSocket: false);
        using var frames = new FrameWriter(core);
        using IAttachedRun run = launch.Terminal
            ? TerminalRun.Start(LxcAttach, launch, WorkingDirectory, frames)
            : PipeRun.Start(LxcAttach, launch, WorkingDirectory, frames);

        var input = Channel.CreateBounded<byte[]?>(new BoundedChannelOptions(QueuedInputFrames) { SingleReader = true, SingleWriter = true });
        var writer = WriteInputAsync(input.Reader, run);
        var reader = ReadFromCoreAsync(core, session, run, input.Writer);
        if (await Task.WhenAny(reader, run.Exited).ConfigureAwait(false) == reader && !run.Exited.IsCompleted)
        {
            session.Log($"exec session {session.Name}: {reader.Exception?.InnerException?.Message ?? "the core closed the session"}; killing the command");
            if (!AttachedCommand.TrySignal(run.LxcAttach, SigKill))
            {
                // The command has not been started yet, or has just exited: lxc-attach itself goes.
                run.LxcAttach?.TrySignal(SigKill);
            }
        }
        int exitCode = await run.Exited.ConfigureAwait(false);
        await run.OutputDone.ConfigureAwait(false);
        input.Writer.TryComplete();
        await writer.ConfigureAwait(false);
        await frames.SendAsync(ExecFrames.Exit, Encoding.ASCII.GetBytes(exitCode.ToString(CultureInfo.InvariantCulture))).ConfigureAwait(false);
        connection.Shutdown(SocketShutdown.Both);
        // After the shutdown the reader sees the end of the stream, unless it had already failed.
        await reader.ConfigureAwait(false);
    }

    private static async Task ReadFromCoreAsync(Stream core, Session session, IAttachedRun run, ChannelWriter<byte[]?> input)
    {
        byte[] header = new byte[ExecFrames.HeaderLength];
        while (await ReadExactlyOrEndAsync(core, header).ConfigureAwait(false))
        {
            int length = ExecFrames.CheckHeader(header);
            byte[] data = new byte[length];
            await core.ReadExactlyAsync(data).ConfigureAwait(false);
            switch (header[0])
            {
                case ExecFrames.Input:
                    await QueueAsync(input, data).ConfigureAwait(false);
                    break;
                case ExecFrames.EndOfInput:
                    await QueueAsync(input, null).ConfigureAwait(false);
                    break;
                case ExecFrames.WindowSize:
                    if (ExecFrames.WindowSizeOf(data) is var (columns, rows))
                    {
                        run.Resize(columns, rows);
                    }
                    else
                    {
                        session.Log($"exec session {session.Name}: window size out of range, ignored");
                    }
                    break;
                case ExecFrames.Signal:
                    await SignalAsync(session, run, data).ConfigureAwait(false);
                    break;
            }
        }
    }

    /// <summary>Input that arrives after the command has ended is of no use to anyone and is dropped.</summary>
    private static async Task QueueAsync(ChannelWriter<byte[]?> input, byte[]? data)
    {
        if (await input.WaitToWriteAsync().ConfigureAwait(false))
        {
            input.TryWrite(data);
        }
    }

    private static async Task SignalAsync(Session session, IAttachedRun run, byte[] data)
    {
        const string operation = "ExecSignal";
        if (ExecFrames.SignalOf(data) is not int signal)
        {
            int asked = BinaryPrimitives.ReadInt32BigEndian(data);
            session.Context.Refuse(operation, new ExecSignalArguments(session.Name, asked), new HelperRequestException($"signal {asked} is not allowed"));
            return;
        }
        bool delivered = await session.Context.AuditedAsync(operation, new ExecSignalArguments(session.Name, signal),
            () => Task.FromResult(AttachedCommand.TrySignal(run.LxcAttach, signal))).ConfigureAwait(false);
        if (!delivered)
        {
            session.Log($"exec session {session.Name}: no running command to send signal {signal} to");
        }
    }

    /// <summary>
    /// Feeds queued input to the command. Once the command stops accepting input the rest is dropped,
    /// so the reader never waits on a full queue for a command that will not read it.
    /// </summary>
    private static async Task WriteInputAsync(ChannelReader<byte[]?> input, IAttachedRun run)
    {
        bool open = true;
        await foreach (byte[]? data in input.ReadAllAsync().ConfigureAwait(false))
        {
            if (!open)
            {
                continue;
            }
            try
            {
                if (data is null)
                {
                    open = false;
                    run.EndInput();
                }
                else
                {
                    await run.WriteInputAsync(data).ConfigureAwait(false);
                }
            }
            catch (IOException)
            {
                // The command closed its input or exited; what it did not read is of no use to it.
                open = false;
            }
        }
    }

    private static async Task<bool> ReadExactlyOrEndAsync(Stream from, byte[] buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int read = await from.ReadAsync(buffer.AsMemory(total)).ConfigureAwait(false);
            if (read == 0)
            {
                return total == 0 ? false : throw new EndOfStreamException("exec frame header cut short");
            }
            total += read;
        }
        return true;
    }
}
