using System.Text.Json.Serialization;

namespace Incus.Helpers.Net;

/// <summary>
/// Metadata for the net helper's own state files, generated at compile time for the NativeAOT build.
/// Property names stay as declared, as in the files written before.
/// </summary>
[JsonSerializable(typeof(List<ProxyNeighbors.Entry>), TypeInfoPropertyName = "ListEntry")]
internal sealed partial class NetStateJsonContext : JsonSerializerContext;
