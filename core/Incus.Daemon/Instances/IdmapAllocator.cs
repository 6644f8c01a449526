using Incus.Platform;
using System.Globalization;

namespace Incus.Daemon.Instances;

/// <summary>
/// Chooses host id ranges for containers inside root's subordinate range. Non-isolated containers
/// share one map at the start of the range (65536 ids, or more if one asks for more). Each isolated
/// container gets its own range, first-fit after everything already taken, never overlapping the
/// shared map or another isolated range, so the answer depends only on what is allocated.
/// Unlike Incus and LXD, the shared map does not span the whole range (Incus #1305).
/// </summary>
public sealed class IdmapAllocator(IdRange available)
{
    public IdRange Available { get; } = available;

    /// <param name="request">What the instance asks for.</param>
    /// <param name="sharedSize">The size of the shared map currently in use (at least 65536).</param>
    /// <param name="isolated">The ranges other isolated instances hold.</param>
    public IdmapAllocation Allocate(IdmapRequest request, long sharedSize, IReadOnlyCollection<IdRange> isolated)
    {
        if (request.Privileged)
        {
            return IdmapAllocation.Privileged;
        }
        long size = request.Size ?? IdmapRequest.DefaultSize;
        if (!request.Isolated)
        {
            var shared = new IdRange(Available.Start, Math.Max(size, IdmapRequest.DefaultSize));
            if (!Available.Contains(shared))
            {
                throw Exhausted(size, Available.Size);
            }
            if (isolated.FirstOrDefault(r => r.Overlaps(shared)) is { Size: > 0 } clash)
            {
                throw new InvalidOperationException(
                    $"The shared id map would grow to {shared} and overlap the isolated range {clash}; use a smaller security.idmap.size");
            }
            return new IdmapAllocation(new IdRange(Available.Start, size), Isolated: false);
        }

        var taken = isolated.Append(new IdRange(Available.Start, Math.Max(sharedSize, IdmapRequest.DefaultSize))).OrderBy(r => r.Start).ToList();
        if (request.Base is long start)
        {
            var wanted = new IdRange(start, size);
            if (!Available.Contains(wanted))
            {
                throw new InvalidOperationException($"security.idmap.base {start} with size {size} ({wanted}) is outside root's subordinate ids ({Available})");
            }
            if (taken.FirstOrDefault(r => r.Overlaps(wanted)) is { Size: > 0 } clash)
            {
                throw new InvalidOperationException($"security.idmap.base {start} with size {size} ({wanted}) overlaps ids already in use ({clash})");
            }
            return new IdmapAllocation(wanted, Isolated: true);
        }

        long candidate = Available.Start;
        long largestGap = 0;
        foreach (var range in taken)
        {
            long gap = range.Start - candidate;
            if (gap >= size)
            {
                return new IdmapAllocation(new IdRange(candidate, size), Isolated: true);
            }
            largestGap = Math.Max(largestGap, gap);
            candidate = Math.Max(candidate, range.End);
        }
        long tail = Available.End - candidate;
        if (tail >= size)
        {
            return new IdmapAllocation(new IdRange(candidate, size), Isolated: true);
        }
        throw Exhausted(size, Math.Max(largestGap, tail));
    }

    private InvalidOperationException Exhausted(long needed, long largestFree) => new(string.Create(CultureInfo.InvariantCulture,
        $"Not enough subordinate ids for this container: it needs {needed}, the largest free range has {Math.Max(largestFree, 0)} (root's range is {Available}, {Available.Size} ids)"));
}
