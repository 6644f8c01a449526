using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization;
using StreamJsonRpc;

namespace Incus.HelperProtocol;

/// <summary>
/// The JSON-RPC message format of every core–helper connection, used by both ends. Metadata comes
/// from <see cref="HelperJsonContext"/>: the helpers are NativeAOT and have no reflection-based
/// serializer, and the core saves the cost of building that metadata by reflection at start-up.
/// </summary>
public static class HelperWireFormat
{
    /// <summary>
    /// A formatter for one connection. Its options are a new instance, not the formatter's own changed
    /// in place: the formatter then puts its metadata for the JSON-RPC envelope in front of ours, where
    /// replacing the resolver of its options would drop it.
    /// </summary>
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification =
        "The constructor is annotated because it falls back to reflection for types without metadata; every type "
        + "a helper exchanges has source-generated metadata in HelperJsonContext (checked by a unit test), and "
        + "the integration tests run against the NativeAOT helpers, including errors and cancellation.")]
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "As for IL2026: all metadata is source-generated.")]
    public static SystemTextJsonFormatter CreateFormatter() => new()
    {
        JsonSerializerOptions = new JsonSerializerOptions
        {
            TypeInfoResolver = HelperJsonContext.Default,
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            // Neither end trusts the other's shape: an unknown member or a deeply nested message is an
            // error, not ignored. (The helpers do not trust the core at all.)
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            MaxDepth = 16,
        },
    };
}
