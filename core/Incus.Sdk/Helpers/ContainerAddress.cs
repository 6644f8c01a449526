namespace Incus.Sdk.Helpers;

/// <summary>An address of a container interface.</summary>
public sealed record ContainerAddress
{
    /// <summary><c>inet</c> or <c>inet6</c>.</summary>
    public required string Family { get; init; }

    /// <summary>The address without its prefix length, for example <c>10.0.3.5</c> or <c>fd42::5</c>.</summary>
    /// <summary>The address, without prefix.</summary>
    public required string Address { get; init; }

    /// <summary>Prefix length.</summary>
    public required int Prefix { get; init; }

    /// <summary><c>global</c>, <c>link</c> or <c>local</c> (host), as Incus names them.</summary>
    public required string Scope { get; init; }
}
