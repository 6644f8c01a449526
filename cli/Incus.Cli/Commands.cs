using System.CommandLine;
using System.Text.Json;

namespace Incus.Cli;

/// <summary>The command tree of <c>incus</c>.</summary>
public static class Commands
{
    public static RootCommand Build()
    {
        var root = new RootCommand("Command line client for Incus for .NET");
        root.Subcommands.Add(Version());
        root.Subcommands.Add(Info());
        root.Subcommands.Add(Query());
        root.Subcommands.Add(ConfigCommands.Build());
        root.Subcommands.Add(RemoteCommands.Build());
        root.Subcommands.Add(ExecCommand.Build());
        root.Subcommands.Add(Admin());
        root.Subcommands.Add(StorageCommands.Build());
        root.Subcommands.Add(NetworkCommands.Build());
        root.Subcommands.Add(ImageCommands.Build());
        root.Subcommands.Add(ProfileCommands.Build());
        foreach (var command in InstanceCommands.Build())
        {
            root.Subcommands.Add(command);
        }
        return root;
    }

    private static Option<string> FormatOption() => new Option<string>("--format", "-f")
    {
        Description = "Output format (yaml or json)",
        DefaultValueFactory = _ => "yaml",
    }.AcceptOnlyFromAmong(OutputFormat.Names);

    private static Command Version()
    {
        var command = new Command("version", "Show the client and server versions");
        command.SetAction(async (_, cancellationToken) =>
        {
            Console.WriteLine($"Client version: {ClientVersion.Describe(ClientVersion.Current)}");
            string server;
            try
            {
                using var client = IncusClient.Connect();
                var info = await client.GetAsync("/1.0", cancellationToken).ConfigureAwait(false);
                server = ClientVersion.Describe(info.GetProperty("environment").GetProperty("server_version").GetString() ?? "unknown");
            }
            catch (CliException ex)
            {
                server = $"unreachable ({ex.Message})";
            }
            Console.WriteLine($"Server version: {server}");
            return 0;
        });
        return command;
    }

    private static Command Info()
    {
        var format = FormatOption();
        var instance = new Argument<string?>("instance") { Arity = ArgumentArity.ZeroOrOne, Description = "An instance to describe instead of the server" };
        var command = new Command("info", "Show the server's or an instance's information") { instance, format };
        command.SetAction(async (result, cancellationToken) =>
        {
            using var client = IncusClient.Connect();
            if (result.GetValue(instance) is { Length: > 0 } name)
            {
                await InstanceCommands.PrintInfoAsync(client, name, cancellationToken).ConfigureAwait(false);
                return 0;
            }
            var info = await client.GetAsync("/1.0", cancellationToken).ConfigureAwait(false);
            Console.Write(OutputFormat.Render(info, result.GetValue(format)!));
            return 0;
        });
        return command;
    }

    private static Command Query()
    {
        var path = new Argument<string>("path") { Description = "API path, such as /1.0" };
        var method = new Option<string>("--request", "-X") { Description = "HTTP method", DefaultValueFactory = _ => "GET" };
        var data = new Option<string?>("--data", "-d") { Description = "Request body (JSON)" };
        var command = new Command("query", "Send a raw request to the API and print the metadata as JSON") { path, method, data };
        command.SetAction(async (result, cancellationToken) =>
        {
            using var client = IncusClient.Connect();
            var metadata = await client.SendAsync(new HttpMethod(result.GetValue(method)!.ToUpperInvariant()), result.GetValue(path)!,
                result.GetValue(data), cancellationToken).ConfigureAwait(false);
            Console.WriteLine(metadata.ValueKind == JsonValueKind.Undefined ? "" : OutputFormat.Render(metadata, "json"));
            return 0;
        });
        return command;
    }

    private static Command Admin()
    {
        var minimal = new Option<bool>("--minimal") { Description = "Apply the minimal default configuration" };
        var preseed = new Option<bool>("--preseed") { Description = "Read a YAML preseed document from standard input" };
        var init = new Command("init", "Configure the daemon") { minimal, preseed };
        init.SetAction(async (result, cancellationToken) =>
        {
            bool isMinimal = result.GetValue(minimal), isPreseed = result.GetValue(preseed);
            if (isMinimal == isPreseed)
            {
                throw new CliException("use exactly one of --minimal or --preseed (interactive setup is not available)");
            }
            var document = isPreseed
                ? Preseed.Parse(await Console.In.ReadToEndAsync(cancellationToken).ConfigureAwait(false))
                : Preseed.Minimal();
            using var client = IncusClient.Connect();
            await document.ApplyAsync(client, cancellationToken).ConfigureAwait(false);
            return 0;
        });
        var admin = new Command("admin", "Manage the daemon") { init, Firewall() };
        return admin;
    }

    private static Command Firewall()
    {
        var format = FormatOption();
        var reconcile = new Command("reconcile", "Rebuild every network's firewall rules and every running NIC's filter from the database") { format };
        reconcile.SetAction(async (result, cancellationToken) =>
        {
            using var client = IncusClient.Connect();
            var done = await client.SendAsync(HttpMethod.Post, "/1.0/firewall/reconcile", null, cancellationToken).ConfigureAwait(false);
            Console.Write(OutputFormat.Render(done, result.GetValue(format)!));
            bool complete = done.GetProperty("networks_applied").GetInt32() == done.GetProperty("networks").GetInt32()
                && done.GetProperty("nic_filters_rebuilt").GetInt32() == done.GetProperty("nic_filters").GetInt32();
            if (!complete)
            {
                // The report above says what is missing; a script must not take it for success.
                Console.Error.WriteLine("Error: some networks or NIC filters could not be rebuilt; see the daemon log");
            }
            return complete ? 0 : 1;
        });
        return new Command("firewall", "Manage the daemon's firewall rules") { reconcile };
    }

    internal static Dictionary<string, string> ParsePairs(string[] arguments)
    {
        var pairs = new Dictionary<string, string>(StringComparer.Ordinal);
        if (arguments.Length == 2 && !arguments[0].Contains('='))
        {
            pairs[arguments[0]] = arguments[1];
            return pairs;
        }
        foreach (string argument in arguments)
        {
            int equals = argument.IndexOf('=');
            if (equals <= 0)
            {
                throw new CliException($"invalid argument \"{argument}\": expected key=value");
            }
            pairs[argument[..equals]] = argument[(equals + 1)..];
        }
        return pairs;
    }
}
