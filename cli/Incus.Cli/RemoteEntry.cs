using YamlDotNet.Serialization;

namespace Incus.Cli;

/// <summary>One remote in config.yml.</summary>
public sealed class RemoteEntry
{
    [YamlMember(Alias = "addr")] public string Address { get; set; } = "";
    [YamlMember(Alias = "protocol")] public string Protocol { get; set; } = "incus";
    [YamlMember(Alias = "auth_type")] public string AuthType { get; set; } = "tls";
    [YamlMember(Alias = "public")] public bool Public { get; set; }
}
