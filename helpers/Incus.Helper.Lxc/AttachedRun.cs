using Incus.Platform;

namespace Incus.Helpers.Lxc;

/// <summary>One running lxc-attach, on pipes or on a terminal, as the exec relay drives it.</summary>
internal interface IAttachedRun : IDisposable
{
    /// <summary>lxc-attach's pidfd; null only if it exited before the handle could be opened.</summary>
    ProcessHandle? LxcAttach { get; }

    /// <summary>lxc-attach's exit status, which is the command's (128 + signal when a signal ended it).</summary>
    Task<int> Exited { get; }

    /// <summary>Completes when all output has been read and handed to the core (or dropped, if the core is gone).</summary>
    Task OutputDone { get; }

    Task WriteInputAsync(byte[] data);

    void EndInput();

    void Resize(ushort columns, ushort rows);

}
