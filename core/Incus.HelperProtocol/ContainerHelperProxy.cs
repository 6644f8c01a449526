using Incus.Sdk.Helpers;
using StreamJsonRpc;

namespace Incus.HelperProtocol;

/// <summary>The core's client for <see cref="IContainerHelper"/>; see <see cref="HelperProxy"/> for why it is written out.</summary>
internal sealed class ContainerHelperProxy(JsonRpc rpc) : HelperProxy(rpc), IContainerHelper
{
    public Task<ContainerState> StartContainerAsync(ContainerSpec spec, CancellationToken cancellationToken = default) =>
        Call<ContainerState>(nameof(StartContainerAsync), spec, typeof(ContainerSpec), cancellationToken);

    public Task<ContainerState> StopContainerAsync(ContainerStop stop, CancellationToken cancellationToken = default) =>
        Call<ContainerState>(nameof(StopContainerAsync), stop, typeof(ContainerStop), cancellationToken);

    public Task<ContainerState> GetContainerStateAsync(ContainerName name, CancellationToken cancellationToken = default) =>
        Call<ContainerState>(nameof(GetContainerStateAsync), name, typeof(ContainerName), cancellationToken);

    public Task<IReadOnlyList<ContainerState>> GetContainerStatesAsync(ContainerNames names, CancellationToken cancellationToken = default) =>
        Call<IReadOnlyList<ContainerState>>(nameof(GetContainerStatesAsync), names, typeof(ContainerNames), cancellationToken);

    public Task<ExecSession> StartExecAsync(ExecSpec spec, CancellationToken cancellationToken = default) =>
        Call<ExecSession>(nameof(StartExecAsync), spec, typeof(ExecSpec), cancellationToken);

    public Task ForgetContainerAsync(ContainerName name, CancellationToken cancellationToken = default) =>
        Call(nameof(ForgetContainerAsync), name, typeof(ContainerName), cancellationToken);

    public Task AttachNicAsync(ContainerNicAttach attach, CancellationToken cancellationToken = default) =>
        Call(nameof(AttachNicAsync), attach, typeof(ContainerNicAttach), cancellationToken);
}
