namespace Incus.DriverCheck;

/// <summary>
/// One kind of crafted frame in a check and what must happen to it. A frame expression carries a
/// fresh marker unless <see cref="Pattern"/> says what to look for instead (neighbour adverts cannot
/// carry one: trailing bytes would change the layout a filter checks).
/// </summary>
/// <param name="Description">What the frame is, for the report.</param>
/// <param name="Frame">A scapy expression; see <see cref="FrameSender"/> for the names it may use.</param>
/// <param name="MustArrive">True for genuine twins and unfiltered controls, false for what the filter must drop.</param>
public sealed record FrameCase(string Description, string Frame, bool MustArrive, byte[]? Pattern = null);
