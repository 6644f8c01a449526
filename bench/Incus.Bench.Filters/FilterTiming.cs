namespace Incus.Bench.Filters;

/// <summary>Median times to apply and to remove one more NIC's filter with <paramref name="Population"/> filtered NICs present.</summary>
public sealed record FilterTiming(string Driver, int Population, double ApplyMs, double RemoveMs);
