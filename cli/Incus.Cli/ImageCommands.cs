using System.CommandLine;
using System.Globalization;
using System.Text.Json;

namespace Incus.Cli;

/// <summary><c>incus image</c>: import, list, show, delete, and aliases.</summary>
public static class ImageCommands
{
    public static Command Build()
    {
        var command = new Command("image", "Manage images");
        command.Subcommands.Add(Import());
        command.Subcommands.Add(List());
        command.Subcommands.Add(Show());
        command.Subcommands.Add(Delete());
        command.Subcommands.Add(Alias());
        return command;
    }

    private static Command Import()
    {
        var file = new Argument<string>("tarball") { Description = "Unified image tarball (metadata.yaml and rootfs/)" };
        var alias = new Option<string[]>("--alias") { Description = "Alias to give the image", AllowMultipleArgumentsPerToken = false };
        var isPublic = new Option<bool>("--public") { Description = "Make the image available to untrusted clients" };
        var import = new Command("import", "Import an image tarball") { file, alias, isPublic };
        import.SetAction(async (result, cancellationToken) =>
        {
            string path = result.GetValue(file)!;
            if (!File.Exists(path))
            {
                throw new CliException($"{path} does not exist");
            }
            using var client = IncusClient.Connect();
            var headers = new Dictionary<string, string>
            {
                ["X-Incus-public"] = result.GetValue(isPublic) ? "1" : "0",
                ["X-Incus-filename"] = Path.GetFileName(path),
            };
            var stream = File.OpenRead(path);
            using var progress = new UploadProgress(stream, stream.Length, "Transferring image");
            var envelope = await client.SendStreamAsync(HttpMethod.Post, "/1.0/images", progress, headers, cancellationToken).ConfigureAwait(false);
            progress.Finish();
            var operation = await client.WaitAsync(envelope.Operation, cancellationToken).ConfigureAwait(false);
            string fingerprint = operation.GetProperty("metadata").GetProperty("fingerprint").GetString()!;
            foreach (string name in result.GetValue(alias) ?? [])
            {
                await client.SendAsync(HttpMethod.Post, "/1.0/images/aliases", JsonSerializer.Serialize(new { name, target = fingerprint }), cancellationToken).ConfigureAwait(false);
            }
            Console.WriteLine($"Image imported with fingerprint: {fingerprint}");
            return 0;
        });
        return import;
    }

    private static Command List()
    {
        var format = new Option<string>("--format", "-f") { DefaultValueFactory = _ => "table", Description = "table, csv, json or yaml" }
            .AcceptOnlyFromAmong(TableOutput.Formats);
        var list = new Command("list", "List images") { format };
        list.Aliases.Add("ls");
        list.SetAction(async (result, cancellationToken) =>
        {
            using var client = IncusClient.Connect();
            var images = await client.GetAsync("/1.0/images?recursion=1", cancellationToken).ConfigureAwait(false);
            string chosen = result.GetValue(format)!;
            if (chosen is "json" or "yaml")
            {
                Console.Write(OutputFormat.Render(images, chosen) + (chosen == "json" ? "\n" : ""));
                return 0;
            }
            var rows = images.EnumerateArray().Select(image => (IReadOnlyList<string>)
            [
                string.Join("\n", image.GetProperty("aliases").EnumerateArray().Select(a => a.GetProperty("name").GetString())),
                image.GetProperty("fingerprint").GetString()![..12],
                image.GetProperty("public").GetBoolean() ? "yes" : "no",
                image.GetProperty("properties").TryGetProperty("description", out var description) ? description.GetString() ?? "" : "",
                image.GetProperty("architecture").GetString()!,
                image.GetProperty("type").GetString()!.ToUpperInvariant(),
                (image.GetProperty("size").GetInt64() / 1048576.0).ToString("0.00", CultureInfo.InvariantCulture) + "MiB",
            ]).ToList();
            Console.Write(TableOutput.Render(["ALIAS", "FINGERPRINT", "PUBLIC", "DESCRIPTION", "ARCHITECTURE", "TYPE", "SIZE"], rows, chosen));
            return 0;
        });
        return list;
    }

    private static Command Show()
    {
        var image = new Argument<string>("image") { Description = "Alias or fingerprint" };
        var show = new Command("show", "Show an image") { image };
        show.SetAction(async (result, cancellationToken) =>
        {
            using var client = IncusClient.Connect();
            string fingerprint = await ResolveAsync(client, result.GetValue(image)!, cancellationToken).ConfigureAwait(false);
            Console.Write(OutputFormat.Render(await client.GetAsync($"/1.0/images/{fingerprint}", cancellationToken).ConfigureAwait(false), "yaml"));
            return 0;
        });
        return show;
    }

    private static Command Delete()
    {
        var image = new Argument<string>("image") { Description = "Alias or fingerprint" };
        var delete = new Command("delete", "Delete an image") { image };
        delete.Aliases.Add("rm");
        delete.SetAction(async (result, cancellationToken) =>
        {
            using var client = IncusClient.Connect();
            string fingerprint = await ResolveAsync(client, result.GetValue(image)!, cancellationToken).ConfigureAwait(false);
            var envelope = await client.SendStreamAsync(HttpMethod.Delete, $"/1.0/images/{fingerprint}", Stream.Null, new Dictionary<string, string>(), cancellationToken)
                .ConfigureAwait(false);
            await client.WaitAsync(envelope.Operation, cancellationToken).ConfigureAwait(false);
            return 0;
        });
        return delete;
    }

    private static Command Alias()
    {
        var command = new Command("alias", "Manage image aliases");
        var createName = new Argument<string>("alias");
        var createTarget = new Argument<string>("fingerprint");
        var create = new Command("create", "Create an alias") { createName, createTarget };
        create.SetAction(async (result, cancellationToken) =>
        {
            using var client = IncusClient.Connect();
            await client.SendAsync(HttpMethod.Post, "/1.0/images/aliases",
                JsonSerializer.Serialize(new { name = result.GetValue(createName), target = result.GetValue(createTarget) }), cancellationToken).ConfigureAwait(false);
            return 0;
        });
        var deleteName = new Argument<string>("alias");
        var delete = new Command("delete", "Delete an alias") { deleteName };
        delete.SetAction(async (result, cancellationToken) =>
        {
            using var client = IncusClient.Connect();
            await client.SendAsync(HttpMethod.Delete, $"/1.0/images/aliases/{Uri.EscapeDataString(result.GetValue(deleteName)!)}", null, cancellationToken).ConfigureAwait(false);
            return 0;
        });
        var list = new Command("list", "List aliases");
        list.SetAction(async (_, cancellationToken) =>
        {
            using var client = IncusClient.Connect();
            var aliases = await client.GetAsync("/1.0/images/aliases?recursion=1", cancellationToken).ConfigureAwait(false);
            var rows = aliases.EnumerateArray().Select(a => (IReadOnlyList<string>)
                [a.GetProperty("name").GetString()!, a.GetProperty("target").GetString()![..12], a.GetProperty("description").GetString()!]).ToList();
            Console.Write(TableOutput.Render(["ALIAS", "FINGERPRINT", "DESCRIPTION"], rows, "table"));
            return 0;
        });
        command.Subcommands.Add(create);
        command.Subcommands.Add(delete);
        command.Subcommands.Add(list);
        return command;
    }

    /// <summary>An alias wins over a fingerprint prefix, as in Incus.</summary>
    private static async Task<string> ResolveAsync(IncusClient client, string aliasOrFingerprint, CancellationToken cancellationToken)
    {
        if (await client.ExistsAsync($"/1.0/images/aliases/{Uri.EscapeDataString(aliasOrFingerprint)}", cancellationToken).ConfigureAwait(false))
        {
            var alias = await client.GetAsync($"/1.0/images/aliases/{Uri.EscapeDataString(aliasOrFingerprint)}", cancellationToken).ConfigureAwait(false);
            return alias.GetProperty("target").GetString()!;
        }
        return aliasOrFingerprint;
    }
}
