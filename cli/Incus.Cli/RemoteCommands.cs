using System.CommandLine;
using System.Text.Json;
using Incus.Api;

namespace Incus.Cli;

/// <summary><c>incus remote add|list|remove|switch</c>: other Incus servers reached over TLS.</summary>
public static class RemoteCommands
{
    public static Command Build()
    {
        var command = new Command("remote", "Manage the list of remote servers");
        command.Subcommands.Add(Add());
        command.Subcommands.Add(List());
        command.Subcommands.Add(Remove());
        command.Subcommands.Add(Switch());
        return command;
    }

    /// <summary>Splits <c>remote:rest</c>; a name without a colon belongs to the default remote.</summary>
    public static (string? Remote, string Name) Split(string value)
    {
        int colon = value.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? (null, value) : (value[..colon], value[(colon + 1)..]);
    }

    /// <summary>https://host:port from what a user types: a URL, host:port, or a bare host (port 8443).</summary>
    public static Uri NormalizeAddress(string text)
    {
        string candidate = text.Contains("://", StringComparison.Ordinal) ? text : "https://" + text;
        if (!Uri.TryCreate(candidate, UriKind.Absolute, out var uri) || uri.Scheme != "https" || uri.Host.Length == 0)
        {
            throw new CliException($"Invalid remote address \"{text}\": expected https://host[:port]");
        }
        return new UriBuilder("https", uri.Host, uri.IsDefaultPort && !text.Contains(":443", StringComparison.Ordinal) ? HttpsListenAddress.DefaultPort : uri.Port).Uri;
    }

    private static Command Add()
    {
        var name = new Argument<string>("name") { Description = "Name for the remote" };
        var target = new Argument<string>("address") { Description = "https://host[:port], or a trust token from 'incus config trust add'" };
        var token = new Option<string?>("--token") { Description = "Trust token from 'incus config trust add' on the server" };
        var accept = new Option<bool>("--accept-certificate") { Description = "Accept the server's certificate without asking (only when no token pins it)" };
        var command = new Command("add", "Add a remote server, trusting it with a token") { name, target, token, accept };
        command.SetAction(async (result, cancellationToken) =>
        {
            string remote = result.GetValue(name)!;
            if (remote.Contains(':', StringComparison.Ordinal) || remote.Length == 0 || remote == ClientConfig.LocalRemote)
            {
                throw new CliException($"Invalid remote name \"{remote}\"");
            }
            var config = ClientConfig.Load();
            if (config.Find(remote) is { } existing)
            {
                throw new CliException($"Remote {remote} exists as <{existing.Address}>");
            }

            string? tokenText = result.GetValue(token);
            var decoded = TrustToken.TryDecode(result.GetValue(target)!, out _);
            if (decoded is not null)
            {
                tokenText = result.GetValue(target)!;
            }
            else if (tokenText is not null)
            {
                decoded = TrustToken.TryDecode(tokenText, out string? why) ?? throw new CliException($"Invalid trust token: {why}");
            }
            var addresses = decoded is not null && decoded.Addresses.Count > 0 && result.GetValue(target) == tokenText
                ? decoded.Addresses.Select(NormalizeAddress).ToList()
                : [NormalizeAddress(result.GetValue(target)!)];

            var clientCertificate = config.ClientCertificate();
            CliException? lastFailure = null;
            foreach (var address in addresses)
            {
                try
                {
                    await AddAsync(config, remote, address, clientCertificate, decoded?.Fingerprint, tokenText, result.GetValue(accept), cancellationToken)
                        .ConfigureAwait(false);
                    return 0;
                }
                catch (UnreachableRemoteException ex)
                {
                    lastFailure = ex;
                }
            }
            throw lastFailure ?? new CliException("No address to try");
        });
        return command;
    }

    private static async Task AddAsync(ClientConfig config, string remote, Uri address, System.Security.Cryptography.X509Certificates.X509Certificate2 clientCertificate,
        string? expectedFingerprint, string? token, bool acceptCertificate, CancellationToken cancellationToken)
    {
        // First contact accepts any certificate, then checks it against the token (or the user) before anything is sent.
        using (var probe = new IncusClient(address, clientCertificate, pinnedFingerprint: null))
        {
            try
            {
                await probe.GetAsync("/", cancellationToken).ConfigureAwait(false);
            }
            catch (CliException ex)
            {
                throw new UnreachableRemoteException($"Unavailable remote server {address}: {ex.Message}");
            }
            var presented = probe.ServerCertificate ?? throw new UnreachableRemoteException($"{address} presented no certificate");
            string fingerprint = CertificateFingerprint.Of(presented);
            if (expectedFingerprint is not null)
            {
                if (fingerprint != expectedFingerprint)
                {
                    throw new CliException($"Certificate fingerprint mismatch between the trust token and server {address}");
                }
            }
            else if (!acceptCertificate)
            {
                Console.WriteLine($"Certificate fingerprint: {fingerprint}");
                Console.Write("ok (y/n)? ");
                string? answer = Console.ReadLine();
                if (answer is null || !answer.StartsWith('y'))
                {
                    throw new CliException("Server certificate NACKed by user");
                }
            }
            config.SaveServerCertificate(remote, presented);
        }

        string pinned = CertificateFingerprint.Of(config.PinnedServerCertificate(remote)!);
        using var client = new IncusClient(address, clientCertificate, pinned);
        var server = await client.GetAsync("/1.0", cancellationToken).ConfigureAwait(false);
        if (server.GetProperty("auth").GetString() != "trusted")
        {
            if (token is null)
            {
                File.Delete(config.ServerCertificatePath(remote));
                throw new CliException($"The server does not trust this client; on the server run 'incus config trust add <name>' and pass the token");
            }
            try
            {
                await client.SendAsync(HttpMethod.Post, "/1.0/certificates", JsonSerializer.Serialize(new { trust_token = token }), cancellationToken)
                    .ConfigureAwait(false);
            }
            catch (CliException)
            {
                File.Delete(config.ServerCertificatePath(remote));
                throw;
            }
            server = await client.GetAsync("/1.0", cancellationToken).ConfigureAwait(false);
            if (server.GetProperty("auth").GetString() != "trusted")
            {
                throw new CliException("Server doesn't trust us after authentication");
            }
            Console.WriteLine($"Client certificate now trusted by server: {remote}");
        }
        config.File.Remotes[remote] = new RemoteEntry { Address = address.ToString().TrimEnd('/') };
        config.Save();
    }

    private static Command List()
    {
        var format = new Option<string>("--format", "-f") { DefaultValueFactory = _ => "table", Description = "table, csv, json or yaml" }
            .AcceptOnlyFromAmong(TableOutput.Formats);
        var command = new Command("list", "List the remotes") { format };
        command.Aliases.Add("ls");
        command.SetAction(result =>
        {
            var config = ClientConfig.Load();
            var entries = new SortedDictionary<string, RemoteEntry>(config.File.Remotes, StringComparer.Ordinal)
            {
                [ClientConfig.LocalRemote] = new RemoteEntry { Address = $"unix://{IncusClient.DefaultSocketPath()}", AuthType = "file access" },
            };
            string chosen = result.GetValue(format)!;
            if (chosen is "json" or "yaml")
            {
                Console.Write(OutputFormat.Render(JsonSerializer.SerializeToElement(entries.ToDictionary(e => e.Key, e => new
                {
                    addr = e.Value.Address, protocol = e.Value.Protocol, auth_type = e.Value.AuthType, @public = e.Value.Public,
                })), chosen) + (chosen == "json" ? "\n" : ""));
                return 0;
            }
            var rows = entries.Select(e => (IReadOnlyList<string>)
            [
                e.Key == config.File.DefaultRemote ? $"{e.Key} (current)" : e.Key,
                e.Value.Address,
                e.Value.Protocol,
                e.Value.AuthType,
                e.Value.Public ? "YES" : "NO",
            ]).ToList();
            Console.Write(TableOutput.Render(["NAME", "URL", "PROTOCOL", "AUTH TYPE", "PUBLIC"], rows, chosen));
            return 0;
        });
        return command;
    }

    private static Command Remove()
    {
        var name = new Argument<string>("name");
        var command = new Command("remove", "Remove a remote") { name };
        command.Aliases.Add("rm");
        command.SetAction(result =>
        {
            string remote = result.GetValue(name)!;
            var config = ClientConfig.Load();
            if (remote == ClientConfig.LocalRemote || !config.File.Remotes.Remove(remote))
            {
                throw new CliException(remote == ClientConfig.LocalRemote ? "Remote local is static and cannot be removed" : $"Remote {remote} doesn't exist");
            }
            if (config.File.DefaultRemote == remote)
            {
                throw new CliException("Can't remove the default remote");
            }
            File.Delete(config.ServerCertificatePath(remote));
            config.Save();
            return 0;
        });
        return command;
    }

    private static Command Switch()
    {
        var name = new Argument<string>("name");
        var command = new Command("switch", "Set the default remote") { name };
        command.SetAction(result =>
        {
            string remote = result.GetValue(name)!;
            var config = ClientConfig.Load();
            if (remote != ClientConfig.LocalRemote && config.Find(remote) is null)
            {
                throw new CliException($"Remote {remote} doesn't exist");
            }
            config.File.DefaultRemote = remote;
            config.Save();
            return 0;
        });
        return command;
    }
}
