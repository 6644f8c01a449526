namespace Incus.Bench;

/// <summary>The server sent something this minimal HTTP/1.1 client cannot make sense of.</summary>
public sealed class HttpProtocolException(string message) : Exception(message);
