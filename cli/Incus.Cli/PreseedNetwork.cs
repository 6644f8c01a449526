namespace Incus.Cli;

/// <summary>One entry of a preseed's <c>networks</c> section.</summary>
public sealed record PreseedNetwork(string Name, string Type, string Description, IReadOnlyDictionary<string, string> Config);
