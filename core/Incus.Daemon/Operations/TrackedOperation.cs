using Incus.Api;

namespace Incus.Daemon.Operations;

/// <summary>One operation's state, with a way to wait for its end.</summary>
public sealed class TrackedOperation
{
    private readonly Lock _gate = new();
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _cancel = new();
    private readonly Action<TrackedOperation> _changed;
    private readonly DateTimeOffset _created = DateTimeOffset.UtcNow;
    private DateTimeOffset _updated;
    private OperationStatus _status = OperationStatus.Pending;
    private string _error = "";
    private System.Text.Json.JsonElement? _metadata;

    internal TrackedOperation(string id, string description, Dictionary<string, List<string>>? resources, bool mayCancel, Action<TrackedOperation> changed,
        string operationClass = "task")
    {
        Class = operationClass;
        Id = id;
        Description = description;
        Resources = resources;
        MayCancel = mayCancel;
        _changed = changed;
        _updated = _created;
    }

    public string Id { get; }

    /// <summary><c>task</c>, or <c>websocket</c> for operations whose data flows over websockets (exec).</summary>
    public string Class { get; }
    public string Description { get; }
    public Dictionary<string, List<string>>? Resources { get; }
    public bool MayCancel { get; }
    public string Url => $"/1.0/operations/{Id}";
    public CancellationToken Cancellation => _cancel.Token;
    public Task Completion => _done.Task;

    public OperationStatus Status
    {
        get
        {
            lock (_gate)
            {
                return _status;
            }
        }
    }

    public Operation Snapshot()
    {
        lock (_gate)
        {
            return new Operation
            {
                Id = Id,
                Class = Class,
                Description = Description,
                CreatedAt = _created,
                UpdatedAt = _updated,
                Status = _status.Name,
                StatusCode = _status.Code,
                Resources = Resources,
                MayCancel = MayCancel && !_status.IsFinal,
                Err = _error,
                Metadata = _metadata,
            };
        }
    }

    /// <summary>Sets what the operation reports in its <c>metadata</c> (for example an image's fingerprint).</summary>
    public void SetMetadata(object metadata)
    {
        lock (_gate)
        {
            _metadata = ApiJson.ToElement(metadata);
        }
    }

    /// <summary>Asks the work to stop; returns false when the operation cannot be cancelled.</summary>
    public bool RequestCancel()
    {
        if (!MayCancel || Status.IsFinal)
        {
            return false;
        }
        _cancel.Cancel();
        return true;
    }

    internal void MarkRunning() => Transition(OperationStatus.Running, "");

    internal void Finish(OperationStatus status, string error)
    {
        Transition(status, error);
        _done.TrySetResult();
    }

    private void Transition(OperationStatus status, string error)
    {
        lock (_gate)
        {
            _status = status;
            _error = error;
            _updated = DateTimeOffset.UtcNow;
        }
        _changed(this);
    }
}
