namespace Incus.Sdk.Drivers;

/// <summary>Common shape of every driver: a name the API and config refer to.</summary>
public interface IDriver
{
    /// <summary>The name used in the API, for example <c>dir</c>, <c>bridge</c> or <c>nftables</c>.</summary>
    string Name { get; }

    /// <summary>Version of the driver or of the tool it drives, shown in <c>GET /1.0</c>.</summary>
    string Version { get; }
}
