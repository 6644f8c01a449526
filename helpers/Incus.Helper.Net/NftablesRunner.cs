using System.Text.Json.Nodes;

namespace Incus.Helpers.Net;

/// <summary>
/// Runs libnftables JSON documents: through the library in this process when it loads, otherwise
/// through the nft command, which takes the same documents and gives the same answers, only slower.
/// </summary>
public sealed class NftablesRunner
{
    private const string Nft = "/usr/sbin/nft";
    private readonly NftablesLibrary? _library;

    public NftablesRunner(Action<string> log)
    {
        ArgumentNullException.ThrowIfNull(log);
        _library = NftablesLibrary.TryOpen(out string? reason);
        if (_library is null)
        {
            log($"libnftables is not usable here ({reason}); nftables changes run the nft command instead");
        }
    }

    /// <summary>Whether changes go through libnftables rather than the nft command.</summary>
    public bool InProcess => _library is not null;

    /// <summary>Runs a document and returns what nft printed; throws <see cref="InvalidOperationException"/> with nft's message on failure.</summary>
    public Task<string> RunAsync(string json, CancellationToken cancellationToken) =>
        _library is { } library ? Task.FromResult(library.Run(json)) : FixedCommand.RunAsync(Nft, ["-j", "-f", "-"], json, cancellationToken);

    /// <summary>The JSON listing of one chain, map or set; the names were validated by the caller.</summary>
    public Task<string> ListAsync(string family, string kind, string table, string name, CancellationToken cancellationToken) =>
        RunAsync(new JsonObject
        {
            ["nftables"] = new JsonArray(new JsonObject
            {
                ["list"] = new JsonObject { [kind] = new JsonObject { ["family"] = family, ["table"] = table, ["name"] = name } },
            }),
        }.ToJsonString(), cancellationToken);
}
