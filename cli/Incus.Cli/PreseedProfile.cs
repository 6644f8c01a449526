namespace Incus.Cli;

/// <summary>One entry of a preseed's <c>profiles</c> section.</summary>
public sealed record PreseedProfile(
    string Name,
    string Description,
    IReadOnlyDictionary<string, string> Config,
    IReadOnlyDictionary<string, Dictionary<string, string>> Devices);
