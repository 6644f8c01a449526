using Incus.Sdk.Helpers;
using StreamJsonRpc;

namespace Incus.HelperProtocol;

/// <summary>The core's client for <see cref="IHostHelper"/>; see <see cref="HelperProxy"/> for why it is written out.</summary>
internal sealed class HostHelperProxy(JsonRpc rpc) : HelperProxy(rpc), IHostHelper
{
    public Task<HostHardeningReport> ApplyHostHardeningAsync(CancellationToken cancellationToken = default) =>
        Call<HostHardeningReport>(nameof(ApplyHostHardeningAsync), cancellationToken);
}
