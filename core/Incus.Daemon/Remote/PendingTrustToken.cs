namespace Incus.Daemon.Remote;

/// <summary>A token not yet used; its operation waits on <see cref="Used"/>.</summary>
public sealed class PendingTrustToken(PendingTrustRequest request, DateTimeOffset expiresAt)
{
    private readonly TaskCompletionSource _used = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public PendingTrustRequest Request { get; } = request;
    public DateTimeOffset ExpiresAt { get; } = expiresAt;
    public Task Used => _used.Task;

    public void MarkUsed() => _used.TrySetResult();
}
