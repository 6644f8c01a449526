using System.Collections.Concurrent;
using Incus.Api;
using Incus.Daemon.Events;

namespace Incus.Daemon.Operations;

/// <summary>
/// Background operations: created Pending, run, and end in Success, Failure or Cancelled. Every
/// change is sent as an <c>operation</c> event, which is what clients wait on.
/// </summary>
public sealed class OperationManager(EventHub events)
{
    private static readonly TimeSpan KeepFinished = TimeSpan.FromSeconds(5);
    private readonly ConcurrentDictionary<string, TrackedOperation> _operations = new();

    public TrackedOperation Start(string description, Dictionary<string, List<string>>? resources, bool mayCancel,
        Func<TrackedOperation, CancellationToken, Task> work, string operationClass = "task", object? initialMetadata = null)
    {
        var operation = new TrackedOperation(Guid.NewGuid().ToString(), description, resources, mayCancel, Publish, operationClass);
        if (initialMetadata is not null)
        {
            operation.SetMetadata(initialMetadata);
        }
        _operations[operation.Id] = operation;
        Publish(operation);
        _ = Task.Run(async () =>
        {
            operation.MarkRunning();
            try
            {
                await work(operation, operation.Cancellation).ConfigureAwait(false);
                operation.Finish(OperationStatus.Success, "");
            }
            catch (OperationCanceledException) when (operation.Cancellation.IsCancellationRequested)
            {
                operation.Finish(OperationStatus.Cancelled, "Operation cancelled");
            }
            catch (Exception ex)
            {
                operation.Finish(OperationStatus.Failure, ex.Message);
            }
            // Finished operations stay visible briefly, so a client that polls after the event still finds them.
            await Task.Delay(KeepFinished).ConfigureAwait(false);
            _operations.TryRemove(operation.Id, out _);
        });
        return operation;
    }

    public TrackedOperation? Find(string id) => _operations.GetValueOrDefault(id);

    public IReadOnlyCollection<TrackedOperation> All => _operations.Values.ToArray();

    private void Publish(TrackedOperation operation) => events.Publish("operation", operation.Snapshot());
}
