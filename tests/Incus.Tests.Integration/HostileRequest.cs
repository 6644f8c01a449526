namespace Incus.Tests.Integration;

/// <summary>
/// One generated bad request. <see cref="ReachesValidation"/> says whether it is shaped correctly for
/// the method, so the refusal must come from the helper's own checks rather than from the dispatcher.
/// </summary>
public sealed record HostileRequest(string Method, object? Parameters, bool ReachesValidation);
