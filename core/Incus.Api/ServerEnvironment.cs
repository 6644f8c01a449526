using System.Text.Json.Serialization;

namespace Incus.Api;

/// <summary>The read-only environment part of <c>GET /1.0</c>.</summary>
public sealed class ServerEnvironment
{
    [JsonPropertyName("addresses")] public IReadOnlyList<string> Addresses { get; init; } = [];
    [JsonPropertyName("architectures")] public IReadOnlyList<string> Architectures { get; init; } = [];
    [JsonPropertyName("certificate")] public string Certificate { get; init; } = "";
    [JsonPropertyName("certificate_fingerprint")] public string CertificateFingerprint { get; init; } = "";
    [JsonPropertyName("driver")] public string Driver { get; init; } = "";
    [JsonPropertyName("driver_version")] public string DriverVersion { get; init; } = "";
    [JsonPropertyName("firewall")] public string Firewall { get; init; } = "";
    [JsonPropertyName("kernel")] public string Kernel { get; init; } = "";
    [JsonPropertyName("kernel_architecture")] public string KernelArchitecture { get; init; } = "";
    [JsonPropertyName("kernel_features")] public Dictionary<string, string> KernelFeatures { get; init; } = new();
    [JsonPropertyName("kernel_version")] public string KernelVersion { get; init; } = "";
    [JsonPropertyName("lxc_features")] public Dictionary<string, string> LxcFeatures { get; init; } = new();
    [JsonPropertyName("os_name")] public string OsName { get; init; } = "";
    [JsonPropertyName("os_version")] public string OsVersion { get; init; } = "";
    [JsonPropertyName("project")] public string Project { get; init; } = "default";
    [JsonPropertyName("server")] public string Server { get; init; } = "incus";
    [JsonPropertyName("server_clustered")] public bool ServerClustered { get; init; }
    [JsonPropertyName("server_event_mode")] public string ServerEventMode { get; init; } = "full-mesh";
    [JsonPropertyName("server_name")] public string ServerName { get; init; } = "";
    [JsonPropertyName("server_pid")] public int ServerPid { get; init; }
    [JsonPropertyName("server_version")] public string ServerVersion { get; init; } = "";
    [JsonPropertyName("storage")] public string Storage { get; init; } = "";
    [JsonPropertyName("storage_version")] public string StorageVersion { get; init; } = "";
    [JsonPropertyName("storage_supported_drivers")] public IReadOnlyList<StorageDriverInfo> StorageSupportedDrivers { get; init; } = [];
    [JsonPropertyName("host_hardening")] public IReadOnlyList<HardeningStatus> HostHardening { get; init; } = [];
    [JsonPropertyName("plugins")] public IReadOnlyList<PluginStatus> Plugins { get; init; } = [];
}
