namespace Incus.Bench;

/// <summary>
/// The server closed the connection while a response was expected. <see cref="BeforeFirstByte"/> separates
/// the harmless case (an idle keep-alive connection the server dropped, safe to retry for a GET) from a
/// truncated response, which is a real failure.
/// </summary>
public sealed class ConnectionClosedException(bool beforeFirstByte, string message) : Exception(message)
{
    public bool BeforeFirstByte { get; } = beforeFirstByte;
}
