using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using YamlDotNet.Serialization;

namespace Incus.Cli;

/// <summary>
/// The client's own state in $INCUS_CONF (default ~/.config/incus): config.yml with the remotes,
/// the client certificate (client.crt, client.key at 0600) the CLI presents to remote servers, and
/// each remote's pinned server certificate in servercerts/&lt;remote&gt;.crt.
/// </summary>
public sealed class ClientConfig
{
    public const string LocalRemote = "local";
    private const UnixFileMode PrivateDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode PrivateFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private ClientConfig(string directory, ClientConfigFile file)
    {
        Directory = directory;
        File = file;
    }

    public string Directory { get; }
    public ClientConfigFile File { get; }
    public string ConfigPath => Path.Combine(Directory, "config.yml");
    public string ClientCertificatePath => Path.Combine(Directory, "client.crt");
    public string ClientKeyPath => Path.Combine(Directory, "client.key");
    public string ServerCertificatePath(string remote) => Path.Combine(Directory, "servercerts", $"{remote}.crt");

    public static string DefaultDirectory()
    {
        if (Environment.GetEnvironmentVariable("INCUS_CONF") is { Length: > 0 } configured)
        {
            return configured;
        }
        string baseDirectory = Environment.GetEnvironmentVariable("XDG_CONFIG_HOME") is { Length: > 0 } xdg
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config");
        return Path.Combine(baseDirectory, "incus");
    }

    public static ClientConfig Load(string? directory = null)
    {
        directory ??= DefaultDirectory();
        string path = Path.Combine(directory, "config.yml");
        if (!System.IO.File.Exists(path))
        {
            return new ClientConfig(directory, new ClientConfigFile());
        }
        try
        {
            var file = new DeserializerBuilder().IgnoreUnmatchedProperties().Build().Deserialize<ClientConfigFile?>(System.IO.File.ReadAllText(path))
                ?? new ClientConfigFile();
            file.Remotes = new Dictionary<string, RemoteEntry>(file.Remotes ?? new(), StringComparer.Ordinal);
            return new ClientConfig(directory, file);
        }
        catch (YamlDotNet.Core.YamlException ex)
        {
            throw new CliException($"{path} is not valid: {ex.Message}");
        }
    }

    public void Save()
    {
        EnsureDirectory();
        string temporary = ConfigPath + ".new";
        System.IO.File.WriteAllText(temporary, new SerializerBuilder().Build().Serialize(File));
        System.IO.File.Move(temporary, ConfigPath, overwrite: true);
    }

    public RemoteEntry? Find(string name) => File.Remotes.GetValueOrDefault(name);

    /// <summary>The client certificate with its key, generated on first use (ECDSA P-384, self-signed).</summary>
    public X509Certificate2 ClientCertificate()
    {
        if (!System.IO.File.Exists(ClientCertificatePath) || !System.IO.File.Exists(ClientKeyPath))
        {
            EnsureDirectory();
            Console.Error.WriteLine("Generating a client certificate. This may take a minute...");
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP384);
            string subject = $"CN={Environment.UserName}@{Environment.MachineName}";
            var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA384);
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
            using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(10));
            WritePrivate(ClientKeyPath, key.ExportPkcs8PrivateKeyPem() + "\n");
            System.IO.File.WriteAllText(ClientCertificatePath, created.ExportCertificatePem() + "\n");
        }
        return X509Certificate2.CreateFromPemFile(ClientCertificatePath, ClientKeyPath);
    }

    public void SaveServerCertificate(string remote, X509Certificate2 certificate)
    {
        string path = ServerCertificatePath(remote);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        System.IO.File.WriteAllText(path, certificate.ExportCertificatePem() + "\n");
    }

    public X509Certificate2? PinnedServerCertificate(string remote)
    {
        string path = ServerCertificatePath(remote);
        return System.IO.File.Exists(path) ? X509Certificate2.CreateFromPem(System.IO.File.ReadAllText(path)) : null;
    }

    private void EnsureDirectory()
    {
        System.IO.Directory.CreateDirectory(Directory, PrivateDirectory);
    }

    private static void WritePrivate(string path, string content)
    {
        using var stream = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.Write,
            UnixCreateMode = PrivateFile,
        });
        stream.Write(System.Text.Encoding.ASCII.GetBytes(content));
    }
}
