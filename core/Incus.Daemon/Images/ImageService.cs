using System.Security.Cryptography;
using System.Text.RegularExpressions;
using System.Web;
using Incus.Daemon.Api;
using Incus.Daemon.Events;
using Incus.Daemon.Operations;
using Microsoft.AspNetCore.Http;
using Serilog;

namespace Incus.Daemon.Images;

/// <summary>
/// The image store: uploads are streamed to a temporary file while hashed, checked entry by entry,
/// then moved into place and recorded; a rejected upload leaves nothing behind.
/// </summary>
public sealed partial class ImageService(ImageStore store, string imageDirectory, OperationManager operations, EventHub events, ILogger log)
{
    private const UnixFileMode ImageFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead;
    private readonly SemaphoreSlim _changes = new(1, 1);

    public IReadOnlyList<Incus.Api.Image> List(bool publicOnly = false)
    {
        var aliases = store.Aliases().ToLookup(a => a.Fingerprint);
        return store.All().Where(i => !publicOnly || i.Public).Select(i => ToApi(i, aliases[i.Fingerprint])).ToList();
    }

    public ImageRecord Find(string fingerprintPrefix)
    {
        if (fingerprintPrefix.Length == 0 || !HexPrefix().IsMatch(fingerprintPrefix))
        {
            throw ApiException.NotFound("Image not found");
        }
        return store.FindByPrefix(fingerprintPrefix.ToLowerInvariant()) ?? throw ApiException.NotFound("Image not found");
    }

    public Incus.Api.Image Get(string fingerprintPrefix)
    {
        var image = Find(fingerprintPrefix);
        return ToApi(image, store.Aliases(image.Fingerprint));
    }

    public string PathOf(ImageRecord image) => Path.Combine(imageDirectory, image.Fingerprint);

    /// <summary>Receives a raw unified tarball (POST /1.0/images) and registers it; returns the finished operation.</summary>
    public async Task<TrackedOperation> ImportAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        string contentType = request.ContentType ?? "application/octet-stream";
        if (contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            throw ApiException.BadRequest("Only raw image uploads are supported; copying images from other servers or instances is not");
        }
        if (contentType.StartsWith("multipart/", StringComparison.OrdinalIgnoreCase))
        {
            throw ApiException.BadRequest("Split images (separate metadata and rootfs) are not supported; upload a unified tarball");
        }
        bool isPublic = IsTrue(Header(request, "public"));
        string filename = Path.GetFileName(Header(request, "filename") ?? "");
        var properties = ParseProperties(Header(request, "properties"));
        var aliases = (Header(request, "aliases") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(a => a.Split(';')[0].Replace("name=", "", StringComparison.Ordinal)).Where(a => a.Length > 0).ToList();
        foreach (string alias in aliases)
        {
            CheckAliasName(alias);
        }
        string? expected = Header(request, "fingerprint");

        string upload = Path.Combine(imageDirectory, $".upload-{Guid.NewGuid():N}");
        try
        {
            var (fingerprint, size) = await ReceiveAsync(request.Body, upload, cancellationToken).ConfigureAwait(false);
            if (!string.IsNullOrEmpty(expected) && !string.Equals(expected, fingerprint, StringComparison.OrdinalIgnoreCase))
            {
                throw ApiException.BadRequest($"Fingerprints don't match, got {fingerprint} expected {expected}");
            }
            ImageArchiveInfo info;
            try
            {
                info = ImageArchive.Inspect(upload);
            }
            catch (ImageRejectedException ex)
            {
                throw ApiException.BadRequest(ex.Message);
            }
            await RegisterAsync(upload, fingerprint, size, filename, isPublic, info, properties, aliases, cancellationToken).ConfigureAwait(false);
            var operation = operations.Start("Uploading image", new() { ["images"] = [$"/1.0/images/{fingerprint}"] }, false, (op, _) =>
            {
                op.SetMetadata(new Dictionary<string, object> { ["fingerprint"] = fingerprint, ["size"] = size });
                return Task.CompletedTask;
            });
            return operation;
        }
        finally
        {
            // Moved into place on success; on any failure this removes the partial upload.
            File.Delete(upload);
        }
    }

    private async Task RegisterAsync(string upload, string fingerprint, long size, string filename, bool isPublic, ImageArchiveInfo info,
        Dictionary<string, string> extraProperties, List<string> aliases, CancellationToken cancellationToken)
    {
        await _changes.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (store.FindByPrefix(fingerprint) is { } existing && existing.Fingerprint == fingerprint)
            {
                throw new ApiException(409, "Image with same fingerprint already exists");
            }
            var properties = new Dictionary<string, string>(info.Properties);
            foreach (var (key, value) in extraProperties)
            {
                properties[key] = value;
            }
            string final = Path.Combine(imageDirectory, fingerprint);
            File.SetUnixFileMode(upload, ImageFileMode);
            File.Move(upload, final, overwrite: false);
            var record = new ImageRecord(0, fingerprint, filename, size, isPublic, info.Architecture, info.CreatedAt, DateTimeOffset.UtcNow, properties);
            bool added;
            try
            {
                added = store.TryAdd(record, aliases);
            }
            catch
            {
                File.Delete(final);
                throw;
            }
            if (!added)
            {
                File.Delete(final);
                throw new ApiException(409, $"Alias already exists: {string.Join(", ", aliases.Where(a => store.FindAlias(a) is not null))}");
            }
            log.Information("imported image {Fingerprint} ({Size} bytes)", fingerprint, size);
            events.Publish("lifecycle", new Dictionary<string, object> { ["action"] = "image-created", ["source"] = $"/1.0/images/{fingerprint}" });
        }
        finally
        {
            _changes.Release();
        }
    }

    private static async Task<(string Fingerprint, long Size)> ReceiveAsync(Stream body, string path, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long size = 0;
        await using (var file = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            BufferSize = 0,
        }))
        {
            byte[] buffer = new byte[256 * 1024];
            int read;
            while ((read = await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                size += read;
            }
            await file.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        if (size == 0)
        {
            throw ApiException.BadRequest("The upload is empty");
        }
        return (Convert.ToHexStringLower(hash.GetHashAndReset()), size);
    }

    public async Task UpdateAsync(string fingerprintPrefix, Incus.Api.ImagePut request, bool replace, CancellationToken cancellationToken)
    {
        await _changes.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var image = Find(fingerprintPrefix);
            var properties = replace ? new Dictionary<string, string>(request.Properties ?? new()) : new Dictionary<string, string>(image.Properties);
            if (!replace)
            {
                foreach (var (key, value) in request.Properties ?? new())
                {
                    properties[key] = value;
                }
            }
            bool isPublic = request.Public ?? (!replace && image.Public);
            store.UpdateImage(image with { Public = isPublic, Properties = properties });
            events.Publish("lifecycle", new Dictionary<string, object> { ["action"] = "image-updated", ["source"] = $"/1.0/images/{image.Fingerprint}" });
        }
        finally
        {
            _changes.Release();
        }
    }

    public TrackedOperation Delete(string fingerprintPrefix)
    {
        var image = Find(fingerprintPrefix);
        return operations.Start("Deleting image", new() { ["images"] = [$"/1.0/images/{image.Fingerprint}"] }, false, async (_, cancellationToken) =>
        {
            await _changes.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                store.RemoveImage(image.Id);
                File.Delete(PathOf(image));
                log.Information("deleted image {Fingerprint}", image.Fingerprint);
                events.Publish("lifecycle", new Dictionary<string, object> { ["action"] = "image-deleted", ["source"] = $"/1.0/images/{image.Fingerprint}" });
            }
            finally
            {
                _changes.Release();
            }
        });
    }

    public static void CheckAliasName(string name)
    {
        if (name.Length is 0 or > 255 || name.Any(char.IsControl) || name.Contains('/') || name.Contains(':') || name.Trim() != name)
        {
            throw ApiException.BadRequest($"Invalid alias name \"{name}\"");
        }
    }

    /// <summary>Reads an X-Incus-* header, or the X-LXD-* one older clients send.</summary>
    private static string? Header(HttpRequest request, string name)
    {
        string? value = request.Headers[$"X-Incus-{name}"];
        return string.IsNullOrEmpty(value) ? request.Headers[$"X-LXD-{name}"] : value;
    }

    private static bool IsTrue(string? value) => value is "1" or "true" or "True" or "yes";

    private static Dictionary<string, string> ParseProperties(string? encoded)
    {
        var properties = new Dictionary<string, string>(StringComparer.Ordinal);
        if (string.IsNullOrEmpty(encoded))
        {
            return properties;
        }
        var parsed = HttpUtility.ParseQueryString(encoded);
        foreach (string? key in parsed.AllKeys)
        {
            if (key is not null)
            {
                properties[key] = parsed[key] ?? "";
            }
        }
        return properties;
    }

    private static Incus.Api.Image ToApi(ImageRecord image, IEnumerable<ImageAliasRecord> aliases) => new()
    {
        Aliases = aliases.Select(a => new Incus.Api.ImageAlias { Name = a.Name, Description = a.Description }).ToList(),
        Architecture = image.Architecture,
        CreatedAt = image.CreatedAt,
        Filename = image.Filename,
        Fingerprint = image.Fingerprint,
        Properties = image.Properties,
        Public = image.Public,
        Size = image.Size,
        UploadedAt = image.UploadedAt,
        LastUsedAt = DateTimeOffset.UnixEpoch,
        ExpiresAt = DateTimeOffset.UnixEpoch,
    };

    [GeneratedRegex("^[0-9a-fA-F]{1,64}$")]
    private static partial Regex HexPrefix();
}
