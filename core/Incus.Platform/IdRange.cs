namespace Incus.Platform;

/// <summary>A half-open range of host ids, [Start, Start + Size).</summary>
public readonly record struct IdRange(long Start, long Size)
{
    public long End => Start + Size;

    public bool Overlaps(IdRange other) => Start < other.End && other.Start < End;

    public bool Contains(IdRange other) => other.Start >= Start && other.End <= End;

    public override string ToString() => $"{Start}-{End - 1}";
}
