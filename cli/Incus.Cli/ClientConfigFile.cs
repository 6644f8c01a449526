using YamlDotNet.Serialization;

namespace Incus.Cli;

/// <summary>config.yml as stored: the default remote and the remotes other than <c>local</c>.</summary>
public sealed class ClientConfigFile
{
    [YamlMember(Alias = "default-remote")] public string DefaultRemote { get; set; } = ClientConfig.LocalRemote;
    [YamlMember(Alias = "remotes")] public Dictionary<string, RemoteEntry> Remotes { get; set; } = new(StringComparer.Ordinal);
}
