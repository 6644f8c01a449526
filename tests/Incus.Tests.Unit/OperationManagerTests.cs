using System.Text.Json;
using Incus.Daemon.Events;
using Incus.Daemon.Operations;

namespace Incus.Tests.Unit;

public sealed class OperationManagerTests
{
    private static async Task<List<string>> StatusesUntilFinal(EventSubscription subscription)
    {
        var statuses = new List<string>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await foreach (var message in subscription.Reader.ReadAllAsync(timeout.Token))
        {
            int code = message.Metadata.GetProperty("status_code").GetInt32();
            statuses.Add(message.Metadata.GetProperty("status").GetString()!);
            if (code >= 200)
            {
                break;
            }
        }
        return statuses;
    }

    [Fact]
    public async Task SuccessfulOperationEmitsPendingRunningSuccess()
    {
        var hub = new EventHub();
        using var subscription = hub.Subscribe(new HashSet<string> { "operation" });
        var manager = new OperationManager(hub);
        var operation = manager.Start("Testing", null, false, (_, _) => Task.CompletedTask);
        await operation.Completion.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(["Pending", "Running", "Success"], await StatusesUntilFinal(subscription));
        Assert.Equal(200, operation.Snapshot().StatusCode);
        Assert.Same(operation, manager.Find(operation.Id));
    }

    [Fact]
    public async Task FailedOperationCarriesItsError()
    {
        var hub = new EventHub();
        var manager = new OperationManager(hub);
        var operation = manager.Start("Failing", null, false, (_, _) => throw new InvalidOperationException("disk on fire"));
        await operation.Completion.WaitAsync(TimeSpan.FromSeconds(10));
        var snapshot = operation.Snapshot();
        Assert.Equal(400, snapshot.StatusCode);
        Assert.Equal("Failure", snapshot.Status);
        Assert.Equal("disk on fire", snapshot.Err);
    }

    [Fact]
    public async Task CancellableOperationEndsCancelled()
    {
        var manager = new OperationManager(new EventHub());
        var started = new TaskCompletionSource();
        var operation = manager.Start("Waiting", null, true, async (_, token) =>
        {
            started.SetResult();
            await Task.Delay(Timeout.Infinite, token);
        });
        await started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(operation.RequestCancel());
        await operation.Completion.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(401, operation.Snapshot().StatusCode);
        Assert.False(operation.RequestCancel());
    }

    [Fact]
    public void UncancellableOperationRefusesCancel()
    {
        var manager = new OperationManager(new EventHub());
        var gate = new TaskCompletionSource();
        var operation = manager.Start("Blocking", null, false, (_, _) => gate.Task);
        Assert.False(operation.RequestCancel());
        gate.SetResult();
    }

    [Fact]
    public void EventsGoOnlyToSubscribersOfThatType()
    {
        var hub = new EventHub();
        using var lifecycle = hub.Subscribe(new HashSet<string> { "lifecycle" });
        using var logging = hub.Subscribe(new HashSet<string> { "logging" });
        hub.Publish("lifecycle", new { action = "config-updated" });
        Assert.True(lifecycle.Reader.TryRead(out var message));
        Assert.Equal("config-updated", message!.Metadata.GetProperty("action").GetString());
        Assert.False(logging.Reader.TryRead(out _));
        Assert.Equal(JsonValueKind.Object, message.Metadata.ValueKind);
    }
}
