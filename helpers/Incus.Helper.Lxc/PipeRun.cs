using System.Diagnostics;
using Incus.Platform;

namespace Incus.Helpers.Lxc;

/// <summary>lxc-attach with three pipes for the command's stdin, stdout and stderr.</summary>
internal sealed class PipeRun : IAttachedRun
{
    private readonly Process _process;
    private readonly Stream _stdin;

    private PipeRun(Process process, FrameWriter frames)
    {
        _process = process;
        // The runtime reaps its children itself, so the pidfd is opened at once, before it can have.
        LxcAttach = ProcessHandle.TryOpen(process.Id);
        _stdin = process.StandardInput.BaseStream;
        Exited = WaitAsync(process);
        OutputDone = Task.WhenAll(
            ExecPumps.PumpAsync(process.StandardOutput.BaseStream, ExecFrames.Output, frames),
            ExecPumps.PumpAsync(process.StandardError.BaseStream, ExecFrames.Error, frames));
    }

    public ProcessHandle? LxcAttach { get; }
    public Task<int> Exited { get; }
    public Task OutputDone { get; }

    public static PipeRun Start(string program, AttachLaunch launch, string workingDirectory, FrameWriter frames)
    {
        var start = FixedCommand.StartInfo(program, launch.Arguments);
        start.WorkingDirectory = workingDirectory;
        return new PipeRun(Process.Start(start) ?? throw new InvalidOperationException($"could not start {program}"), frames);
    }

    public async Task WriteInputAsync(byte[] data)
    {
        await _stdin.WriteAsync(data).ConfigureAwait(false);
        await _stdin.FlushAsync().ConfigureAwait(false);
    }

    public void EndInput() => _stdin.Close();

    /// <summary>Without a terminal there is no window; Incus ignores resizes then too.</summary>
    public void Resize(ushort columns, ushort rows)
    {
    }

    /// <summary>
    /// Closes the pipes explicitly: Process.Dispose leaves redirected streams that were read directly
    /// to the finalizer, which would hold three descriptors per exec until a garbage collection.
    /// </summary>
    public void Dispose()
    {
        // The base streams, not the writer: EndInput may have closed stdin already, and disposing the
        // StreamWriter would flush into the closed pipe.
        _stdin.Dispose();
        _process.StandardOutput.Dispose();
        _process.StandardError.Dispose();
        _process.Dispose();
        LxcAttach?.Dispose();
    }

    private static async Task<int> WaitAsync(Process process)
    {
        await process.WaitForExitAsync().ConfigureAwait(false);
        return process.ExitCode;
    }
}
