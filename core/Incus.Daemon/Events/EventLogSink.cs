using Serilog.Core;
using Serilog.Events;

namespace Incus.Daemon.Events;

/// <summary>Sends the core's log lines to <c>logging</c> event listeners, as Incus does.</summary>
public sealed class EventLogSink(EventHub hub) : ILogEventSink
{
    public void Emit(LogEvent logEvent)
    {
        if (!hub.HasSubscribers("logging"))
        {
            return;
        }
        var context = logEvent.Properties
            .Where(p => p.Key is not "Component")
            .ToDictionary(p => p.Key, p => p.Value.ToString().Trim('"'));
        hub.Publish("logging", new Dictionary<string, object>
        {
            ["message"] = logEvent.RenderMessage(),
            ["level"] = logEvent.Level switch
            {
                LogEventLevel.Verbose or LogEventLevel.Debug => "debug",
                LogEventLevel.Information => "info",
                LogEventLevel.Warning => "warning",
                _ => "error",
            },
            ["context"] = context,
        });
    }
}
