namespace Incus.Sdk.Helpers;

/// <summary>
/// The host helper: host-wide hardening. Runs as root with no capabilities; every operation is
/// validated and audited by the helper itself.
/// </summary>
public interface IHostHelper
{
    /// <summary>
    /// Makes <c>/proc/sched_debug</c> mode 0400 (when it exists) and <c>/sys/kernel/slab</c> mode 0700,
    /// so unprivileged host users cannot read container names from them. Idempotent.
    /// </summary>
    Task<HostHardeningReport> ApplyHostHardeningAsync(CancellationToken cancellationToken = default);
}
