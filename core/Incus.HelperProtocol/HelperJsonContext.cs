using System.Text.Json.Serialization;
using Incus.Sdk.Helpers;
using StreamJsonRpc;
using StreamJsonRpc.Protocol;

namespace Incus.HelperProtocol;

/// <summary>
/// Serialization metadata for everything a helper reads or writes as JSON, generated at compile time
/// because the helpers are NativeAOT and have no reflection-based serializer. It carries no options of
/// its own: the RPC connection (camelCase, strict) and the audit log (names as declared) each wrap it
/// in their own <see cref="System.Text.Json.JsonSerializerOptions"/>.
/// </summary>
/// <remarks>
/// A type missing here fails at run time, not at build time, so a unit test checks that every
/// parameter and result of the helper interfaces resolves. <see cref="CommonErrorData"/> and
/// <see cref="RequestId"/> are StreamJsonRpc's own: without them a helper's exception would end the
/// connection instead of reaching the core, and a cancellation from the core would be lost.
/// </remarks>
[JsonSerializable(typeof(BridgeSpec))]
[JsonSerializable(typeof(ContainerAddress))]
[JsonSerializable(typeof(ContainerInterface))]
[JsonSerializable(typeof(ContainerName))]
[JsonSerializable(typeof(ContainerNames))]
[JsonSerializable(typeof(ContainerNic))]
[JsonSerializable(typeof(ContainerNicAddresses))]
[JsonSerializable(typeof(ContainerNicAttach))]
[JsonSerializable(typeof(ContainerSpec))]
[JsonSerializable(typeof(ContainerState))]
[JsonSerializable(typeof(ContainerStop))]
[JsonSerializable(typeof(DnsmasqHostEntry))]
[JsonSerializable(typeof(DnsmasqHosts))]
[JsonSerializable(typeof(DnsmasqLease))]
[JsonSerializable(typeof(DnsmasqSpec))]
[JsonSerializable(typeof(ExecSession))]
[JsonSerializable(typeof(ExecSpec))]
[JsonSerializable(typeof(ForwardingFamily))]
[JsonSerializable(typeof(HardenedPath))]
[JsonSerializable(typeof(HostHardeningReport))]
[JsonSerializable(typeof(InstanceOwner))]
[JsonSerializable(typeof(InstanceRootfsSpec))]
[JsonSerializable(typeof(InstanceVolume))]
[JsonSerializable(typeof(InterfaceSysctl))]
[JsonSerializable(typeof(LinkAddresses))]
[JsonSerializable(typeof(LinkName))]
[JsonSerializable(typeof(LinkState))]
[JsonSerializable(typeof(NeighborProbe))]
[JsonSerializable(typeof(NftablesBatch))]
[JsonSerializable(typeof(NftablesListing))]
[JsonSerializable(typeof(NftablesObject))]
[JsonSerializable(typeof(NftablesQuery))]
[JsonSerializable(typeof(NicRoutesSpec))]
[JsonSerializable(typeof(PoolName))]
[JsonSerializable(typeof(RoutedVethSpec))]
[JsonSerializable(typeof(VethPairSpec))]
[JsonSerializable(typeof(VlanSpec))]
[JsonSerializable(typeof(XtablesBatch))]
[JsonSerializable(typeof(XtablesListing))]
[JsonSerializable(typeof(XtablesQuery))]
[JsonSerializable(typeof(IReadOnlyList<ContainerState>))]
[JsonSerializable(typeof(IReadOnlyList<DnsmasqLease>))]
[JsonSerializable(typeof(IReadOnlyList<string>))]
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(bool))]
[JsonSerializable(typeof(CommonErrorData))]
[JsonSerializable(typeof(RequestId))]
[JsonSerializable(typeof(ExecSignalArguments))]
public sealed partial class HelperJsonContext : JsonSerializerContext;
