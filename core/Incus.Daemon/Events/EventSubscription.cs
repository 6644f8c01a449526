using System.Threading.Channels;
using Incus.Api;

namespace Incus.Daemon.Events;

/// <summary>One listener's queue of events; disposing it unsubscribes.</summary>
public sealed class EventSubscription(IReadOnlySet<string> types, Channel<EventMessage> channel, Action<EventSubscription> unsubscribe) : IDisposable
{
    public IReadOnlySet<string> Types { get; } = types;
    public ChannelReader<EventMessage> Reader => channel.Reader;
    internal ChannelWriter<EventMessage> Writer => channel.Writer;

    public void Dispose() => unsubscribe(this);
}
