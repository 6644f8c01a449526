namespace Incus.Sdk.Helpers;

/// <summary>A command to run inside a running container.</summary>
public sealed record ExecSpec
{
    /// <summary>The instance's name.</summary>
    public required string Instance { get; init; }

    /// <summary>argv: 1–256 arguments, each without NUL; passed as an array, never through a shell.</summary>
    public required IReadOnlyList<string> Command { get; init; }

    /// <summary>The whole environment of the command (the container's is cleared); at most 64 variables.</summary>
    public required IReadOnlyDictionary<string, string> Environment { get; init; }

    /// <summary>Container uid to run as.</summary>
    public uint Uid { get; init; }

    /// <summary>Container gid to run as.</summary>
    public uint Gid { get; init; }

    /// <summary>Run on a pseudo-terminal: one stream carries input and output, and the window can be resized.</summary>
    public bool Interactive { get; init; }

    /// <summary>Initial terminal width in columns (interactive only): 0 leaves it unset, else 1–<see cref="ExecLimits.MaxWindowDimension"/>.</summary>
    public int Width { get; init; }

    /// <summary>Initial terminal height in rows (interactive only): 0 leaves it unset, else 1–<see cref="ExecLimits.MaxWindowDimension"/>.</summary>
    public int Height { get; init; }
}
