namespace Incus.Daemon.Networks;

/// <summary>A managed network as stored: config holds resolved values (no <c>auto</c>).</summary>
public sealed record NetworkRecord(string Name, string Type, string Description, IReadOnlyDictionary<string, string> Config);
