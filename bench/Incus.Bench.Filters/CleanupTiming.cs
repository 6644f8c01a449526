namespace Incus.Bench.Filters;

/// <summary>The time a driver took to remove all of its objects with <paramref name="Population"/> filtered NICs present.</summary>
public sealed record CleanupTiming(string Driver, int Population, double Ms);
