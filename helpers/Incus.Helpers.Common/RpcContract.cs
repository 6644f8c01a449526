using System.Diagnostics.CodeAnalysis;

namespace Incus.Helpers;

/// <summary>What the trimmer must keep of a helper's RPC interface so StreamJsonRpc can describe it at run time.</summary>
internal static class RpcContract
{
    // StreamJsonRpc asks for everything; a helper interface is a handful of methods, so that costs little.
    internal const DynamicallyAccessedMemberTypes Members = DynamicallyAccessedMemberTypes.All;
}
