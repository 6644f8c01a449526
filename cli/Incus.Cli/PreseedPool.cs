namespace Incus.Cli;

/// <summary>One entry of a preseed's <c>storage_pools</c> section.</summary>
public sealed record PreseedPool(string Name, string Driver, string Description, IReadOnlyDictionary<string, string> Config);
