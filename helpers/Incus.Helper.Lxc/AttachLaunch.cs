namespace Incus.Helpers.Lxc;

/// <summary>How to run one validated exec: lxc-attach's arguments, and the terminal when there is one.</summary>
public sealed record AttachLaunch(IReadOnlyList<string> Arguments, bool Terminal, ushort Columns, ushort Rows);
