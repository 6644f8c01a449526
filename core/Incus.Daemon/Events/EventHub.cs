using System.Text.Json;
using System.Threading.Channels;
using Incus.Api;

namespace Incus.Daemon.Events;

/// <summary>
/// Fan-out of daemon events to <c>/1.0/events</c> listeners. A slow listener loses its oldest
/// events rather than holding back the daemon.
/// </summary>
public sealed class EventHub
{
    public static readonly IReadOnlySet<string> KnownTypes = new HashSet<string>(StringComparer.Ordinal) { "operation", "logging", "lifecycle" };
    private readonly Lock _gate = new();
    private readonly List<EventSubscription> _subscriptions = new();

    public EventSubscription Subscribe(IReadOnlySet<string> types)
    {
        var subscription = new EventSubscription(types, Channel.CreateBounded<EventMessage>(new BoundedChannelOptions(1024)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        }), Unsubscribe);
        lock (_gate)
        {
            _subscriptions.Add(subscription);
        }
        return subscription;
    }

    public bool HasSubscribers(string type)
    {
        lock (_gate)
        {
            return _subscriptions.Any(s => s.Types.Contains(type));
        }
    }

    public void Publish(string type, object metadata)
    {
        EventSubscription[] targets;
        lock (_gate)
        {
            targets = _subscriptions.Where(s => s.Types.Contains(type)).ToArray();
        }
        if (targets.Length == 0)
        {
            return;
        }
        var message = new EventMessage
        {
            Type = type,
            Timestamp = DateTimeOffset.UtcNow,
            Metadata = metadata is JsonElement element ? element : ApiJson.ToElement(metadata),
        };
        foreach (var target in targets)
        {
            target.Writer.TryWrite(message);
        }
    }

    private void Unsubscribe(EventSubscription subscription)
    {
        lock (_gate)
        {
            _subscriptions.Remove(subscription);
        }
        subscription.Writer.TryComplete();
    }
}
