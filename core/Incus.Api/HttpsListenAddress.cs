using System.Globalization;
using System.Net;

namespace Incus.Api;

/// <summary>
/// A parsed <c>core.https_address</c>: an IP literal or nothing (all addresses), with an optional
/// port (default 8443). Host names are refused: a listener must not depend on name resolution.
/// </summary>
public sealed record HttpsListenAddress(IPAddress Address, int Port)
{
    public const int DefaultPort = 8443;

    /// <summary>All addresses (<c>[::]</c>, <c>0.0.0.0</c> or an empty host): reachable from every network the host is on.</summary>
    public bool IsWildcard => Address.Equals(IPAddress.IPv6Any) || Address.Equals(IPAddress.Any);

    public IPEndPoint EndPoint => new(Address, Port);

    public override string ToString() => Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
        ? $"[{Address}]:{Port.ToString(CultureInfo.InvariantCulture)}"
        : $"{Address}:{Port.ToString(CultureInfo.InvariantCulture)}";

    public const string WildcardWarning =
        "core.https_address listens on all addresses; a single address is recommended, so the API is reachable only where it is meant to be";

    public static HttpsListenAddress? TryParse(string text, out string? error)
    {
        error = null;
        string host = text.Trim();
        int port = DefaultPort;
        if (host.StartsWith('['))
        {
            int close = host.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                error = $"invalid address \"{text}\": missing ']'";
                return null;
            }
            string rest = host[(close + 1)..];
            host = host[1..close];
            if (rest.Length > 0 && !TryPort(rest, text, out port, out error))
            {
                return null;
            }
        }
        else if (host.Count(c => c == ':') == 1)
        {
            int colon = host.IndexOf(':', StringComparison.Ordinal);
            if (!TryPort(host[colon..], text, out port, out error))
            {
                return null;
            }
            host = host[..colon];
        }
        if (host.Length == 0)
        {
            return new HttpsListenAddress(IPAddress.IPv6Any, port);
        }
        if (!IPAddress.TryParse(host, out var address) || host.Contains('%', StringComparison.Ordinal))
        {
            error = $"invalid address \"{text}\": the host must be an IP address (or empty for all addresses)";
            return null;
        }
        return new HttpsListenAddress(address, port);
    }

    private static bool TryPort(string colonAndPort, string text, out int port, out string? error)
    {
        error = null;
        if (colonAndPort.Length < 2 || colonAndPort[0] != ':'
            || !int.TryParse(colonAndPort.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535)
        {
            port = 0;
            error = $"invalid address \"{text}\": the port must be a number from 1 to 65535";
            return false;
        }
        return true;
    }
}
