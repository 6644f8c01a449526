using Incus.Platform;

namespace Incus.Helpers;

/// <summary>Who is calling on one connection, and where their requests are recorded.</summary>
public sealed class CallContext(PeerCredentials caller, AuditLog audit)
{
    public PeerCredentials Caller { get; } = caller;

    /// <summary>Runs one privileged operation with an intent record before and an outcome record after.</summary>
    public async Task<T> AuditedAsync<T>(string operation, object? arguments, Func<Task<T>> action)
    {
        audit.Record(Caller, operation, arguments, "started");
        try
        {
            T result = await action().ConfigureAwait(false);
            audit.Record(Caller, operation, arguments, "succeeded");
            return result;
        }
        catch (Exception ex)
        {
            audit.Record(Caller, operation, arguments, ex is HelperRequestException ? "refused" : "failed", ex.Message);
            throw;
        }
    }

    public Task AuditedAsync(string operation, object? arguments, Func<Task> action) =>
        AuditedAsync<bool>(operation, arguments, async () =>
        {
            await action().ConfigureAwait(false);
            return true;
        });

    /// <summary>Records a request refused before any work, then throws the refusal to the caller.</summary>
    public HelperRequestException Refuse(string operation, object? arguments, HelperRequestException refusal)
    {
        audit.Record(Caller, operation, arguments, "refused", refusal.Message);
        return refusal;
    }
}
