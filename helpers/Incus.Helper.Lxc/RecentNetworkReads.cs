using System.Collections.Concurrent;
using System.Diagnostics;
using Incus.Sdk.Helpers;

namespace Incus.Helpers.Lxc;

/// <summary>
/// What <see cref="ContainerNetworkReader"/> last read for each container init, kept for a second for
/// listings. Reading a container's four /proc net files costs about 0.15 ms, which made
/// <c>GET /1.0/instances?recursion=2</c> with 30 containers spend most of its time there; a list that
/// is refreshed many times a second may show counters and addresses up to <see cref="Lifetime"/> old.
/// A single instance's state is always read afresh, and a hot-plug forgets the container's entry.
/// </summary>
public static class RecentNetworkReads
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(1);

    private static readonly ConcurrentDictionary<int, (long Taken, IReadOnlyList<ContainerInterface> Interfaces)> Reads = new();

    /// <summary>The interfaces of the container whose init is <paramref name="pid"/>, from a read younger than <see cref="Lifetime"/> or a new one.</summary>
    public static IReadOnlyList<ContainerInterface> Read(int pid)
    {
        long now = Stopwatch.GetTimestamp();
        if (Reads.TryGetValue(pid, out var recent) && Stopwatch.GetElapsedTime(recent.Taken, now) < Lifetime)
        {
            return recent.Interfaces;
        }
        var interfaces = ContainerNetworkReader.Read(pid);
        Reads[pid] = (now, interfaces);
        if (Reads.Count > 8192)
        {
            // Inits of stopped containers are never asked for again; drop everything old.
            foreach (var (key, value) in Reads)
            {
                if (Stopwatch.GetElapsedTime(value.Taken, now) >= Lifetime)
                {
                    Reads.TryRemove(key, out _);
                }
            }
        }
        return interfaces;
    }

    /// <summary>Forgets what was read for <paramref name="pid"/>: its interfaces just changed.</summary>
    public static void Forget(int pid) => Reads.TryRemove(pid, out _);
}
