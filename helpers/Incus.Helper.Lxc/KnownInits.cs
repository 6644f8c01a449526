using System.Collections.Concurrent;
using System.Globalization;

namespace Incus.Helpers.Lxc;

/// <summary>
/// The init process of each container this helper has seen running, identified by pid and start
/// time. Checking /proc for that process answers "is it running?" without spawning lxc-info, and
/// the start time guards against a recycled pid.
/// </summary>
public static class KnownInits
{
    private static readonly ConcurrentDictionary<string, (int Pid, string StartTime)> Inits = new(StringComparer.Ordinal);

    // Bumped by every Forget. A state read (lxc-info) can be overtaken by a start that runs meanwhile; its
    // "stopped" must then not be recorded, or the start that just succeeded is reported as stopped (and every
    // list after it). Seen under the mixed API load of bench/run all: lists racing start requests.
    private static readonly ConcurrentDictionary<string, long> Generations = new(StringComparer.Ordinal);

    public static void Remember(string instance, int pid)
    {
        if (StartTime(pid) is { } started)
        {
            Inits[instance] = (pid, started);
        }
    }

    /// <summary>Taken before asking LXC for a state, and handed to <see cref="RememberStopped"/> with the answer.</summary>
    public static long Generation(string instance) => Generations.GetValueOrDefault(instance);

    /// <summary>
    /// Records that the container is stopped. Only this helper starts containers, and it forgets this
    /// record just before it does, so a stopped container needs no lxc-info at every list. The record is
    /// dropped when the container was forgotten (a start or stop began) after <paramref name="generation"/>
    /// was taken: the answer may predate that start.
    /// </summary>
    public static void RememberStopped(string instance, long generation)
    {
        lock (Generations)
        {
            if (Generation(instance) == generation)
            {
                Inits[instance] = (0, "");
            }
        }
    }

    public static void Forget(string instance)
    {
        lock (Generations)
        {
            Generations.AddOrUpdate(instance, 1, (_, generation) => generation + 1);
            Inits.TryRemove(instance, out _);
        }
    }

    /// <summary>The init's pid while it still runs; null when unknown (ask LXC) or 0 when it has exited or is known stopped.</summary>
    public static int? RunningPid(string instance)
    {
        if (!Inits.TryGetValue(instance, out var known))
        {
            return null;
        }
        if (known.Pid == 0)
        {
            return 0;
        }
        if (StartTime(known.Pid) == known.StartTime)
        {
            return known.Pid;
        }
        Inits.TryRemove(instance, out _);
        return 0;
    }

    /// <summary>Field 22 of /proc/&lt;pid&gt;/stat (start time in clock ticks), read after the command name.</summary>
    private static string? StartTime(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
            string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return fields.Length > 19 ? fields[19] : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
