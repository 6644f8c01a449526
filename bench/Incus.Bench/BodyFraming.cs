namespace Incus.Bench;

/// <summary>How the end of a response body is found; reported so a run shows which parser was exercised.</summary>
public enum BodyFraming
{
    /// <summary>The status code forbids a body (204, 304).</summary>
    None,

    /// <summary>Fixed length from the Content-Length header.</summary>
    ContentLength,

    /// <summary>Transfer-Encoding: chunked.</summary>
    Chunked,

    /// <summary>Neither header: the body runs until the server closes the connection.</summary>
    UntilClose,
}
