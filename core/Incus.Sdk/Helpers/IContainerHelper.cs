namespace Incus.Sdk.Helpers;

/// <summary>
/// The container runtime helper: starts, stops and inspects containers with LXC. The helper writes
/// each container's LXC config itself from the typed spec; no config line ever comes from the caller.
/// </summary>
public interface IContainerHelper
{
    /// <summary>Writes the container's config and starts it in the background; returns its state after start.</summary>
    Task<ContainerState> StartContainerAsync(ContainerSpec spec, CancellationToken cancellationToken = default);

    /// <summary>Stops a container: cleanly within the timeout, or at once when forced.</summary>
    Task<ContainerState> StopContainerAsync(ContainerStop stop, CancellationToken cancellationToken = default);

    /// <summary>Whether a container is running, and its init's host pid.</summary>
    Task<ContainerState> GetContainerStateAsync(ContainerName name, CancellationToken cancellationToken = default);

    /// <summary>The states of several containers in one call (for instance lists), in the order asked.</summary>
    Task<IReadOnlyList<ContainerState>> GetContainerStatesAsync(ContainerNames names, CancellationToken cancellationToken = default);

    /// <summary>Starts a command in a running container; its stdio is carried on the returned session's socket.</summary>
    Task<ExecSession> StartExecAsync(ExecSpec spec, CancellationToken cancellationToken = default);

    /// <summary>Removes a stopped container's runtime config and logs.</summary>
    Task ForgetContainerAsync(ContainerName name, CancellationToken cancellationToken = default);

    /// <summary>Moves an owned host link into a running container under the given name (hot-plug).</summary>
    Task AttachNicAsync(ContainerNicAttach attach, CancellationToken cancellationToken = default);
}
