using System.Reflection;
using Incus.HelperProtocol;
using Incus.Sdk.Helpers;
using StreamJsonRpc;
using StreamJsonRpc.Protocol;

namespace Incus.Tests.Unit;

/// <summary>
/// The NativeAOT helpers have no reflection-based serializer: a contract type missing from
/// <see cref="HelperJsonContext"/> would fail only when that call is made, so every one is checked here.
/// </summary>
public sealed class HelperJsonContextTests
{
    private static readonly Type[] Contracts = [typeof(IHostHelper), typeof(INetHelper), typeof(IContainerHelper), typeof(IStorageHelper)];

    public static TheoryData<Type> ContractTypes()
    {
        var types = new HashSet<Type>();
        foreach (var method in Contracts.SelectMany(c => c.GetMethods()))
        {
            foreach (var parameter in method.GetParameters().Where(p => p.ParameterType != typeof(CancellationToken)))
            {
                types.Add(parameter.ParameterType);
            }
            if (method.ReturnType.IsGenericType && method.ReturnType.GetGenericTypeDefinition() == typeof(Task<>))
            {
                types.Add(method.ReturnType.GetGenericArguments()[0]);
            }
        }
        // StreamJsonRpc's own: error details and the id that a cancellation names.
        types.Add(typeof(CommonErrorData));
        types.Add(typeof(RequestId));
        // Recorded in the audit log, though not part of a contract.
        types.Add(typeof(ExecSignalArguments));
        var data = new TheoryData<Type>();
        foreach (var type in types)
        {
            data.Add(type);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(ContractTypes))]
    public void EveryTypeAHelperExchangesHasGeneratedMetadata(Type type) =>
        Assert.NotNull(HelperJsonContext.Default.GetTypeInfo(type));

    [Fact]
    public void HelperInterfacesHaveNoEvents()
    {
        // HelperServer tells the AOT compiler that describing the contract needs no run-time code; only events would.
        foreach (var contract in Contracts)
        {
            Assert.Empty(contract.GetEvents(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance));
        }
    }
}
