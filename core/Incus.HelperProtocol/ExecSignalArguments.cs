using System.Text.Json.Serialization;

namespace Incus.HelperProtocol;

/// <summary>
/// What the audit log records for a signal sent into an exec session. Signals arrive as frames on the
/// exec socket, not as RPC requests, so there is no contract type to record; the names are lower case
/// as in the records written before the helpers were compiled ahead of time.
/// </summary>
public sealed record ExecSignalArguments(
    [property: JsonPropertyName("session")] string Session,
    [property: JsonPropertyName("signal")] int Signal);
