namespace Incus.DriverCheck;

/// <summary>
/// One kind of crafted frame in a check and what must happen to it. A frame expression carries a
/// fresh marker unless <see cref="Pattern"/> says what to look for instead (neighbour adverts cannot
/// carry one: trailing bytes would change the layout a filter checks).
/// </summary>
/// <param name="Description">What the frame is, for the report.</param>
/// <param name="Frame">A scapy expression; see <see cref="FrameSender"/> for the names it may use.</param>
/// <param name="MustArrive">True for genuine twins and unfiltered controls, false for what the filter must drop.</param>
/// <param name="AtHost">
/// Counted where the host receives it (delivered up through the bridge) instead of at the victim: for
/// the service exceptions, such as DHCP, that a filter lets through to the host only.
/// </param>
public sealed record FrameCase(string Description, string Frame, bool MustArrive, byte[]? Pattern = null, bool AtHost = false);
