using Incus.Api;
using Incus.Daemon.Api;

namespace Incus.Daemon.Images;

/// <summary>Image aliases: names that point at one image each.</summary>
public sealed partial class ImageService
{
    public IReadOnlyList<ImageAliasEntry> ListAliases() => store.Aliases().Select(ToApi).ToList();

    public ImageAliasEntry GetAlias(string name) => ToApi(store.FindAlias(name) ?? throw ApiException.NotFound("Image alias not found"));

    /// <summary>The image an alias or fingerprint prefix names; aliases win, as in Incus.</summary>
    public ImageRecord Resolve(string aliasOrFingerprint) =>
        store.FindAlias(aliasOrFingerprint) is { } alias ? Find(alias.Fingerprint) : Find(aliasOrFingerprint);

    public void CreateAlias(ImageAliasesPost request)
    {
        string name = request.Name ?? "";
        CheckAliasName(name);
        var target = Find(request.Target ?? "");
        if (!store.TryAddAlias(name, request.Description ?? "", target.Id))
        {
            throw new ApiException(409, "Alias already exists");
        }
        events.Publish("lifecycle", new Dictionary<string, object> { ["action"] = "image-alias-created", ["source"] = $"/1.0/images/aliases/{name}" });
    }

    public void UpdateAlias(string name, ImageAliasesPost request, bool replace)
    {
        var current = store.FindAlias(name) ?? throw ApiException.NotFound("Image alias not found");
        var target = request.Target is { Length: > 0 } fingerprint ? Find(fingerprint) : Find(current.Fingerprint);
        if (replace && string.IsNullOrEmpty(request.Target))
        {
            throw ApiException.BadRequest("The target field is required");
        }
        store.UpdateAlias(name, request.Description ?? (replace ? "" : current.Description), target.Id);
        events.Publish("lifecycle", new Dictionary<string, object> { ["action"] = "image-alias-updated", ["source"] = $"/1.0/images/aliases/{name}" });
    }

    public void RenameAlias(string name, string? newName)
    {
        var current = store.FindAlias(name) ?? throw ApiException.NotFound("Image alias not found");
        CheckAliasName(newName ?? "");
        if (!store.TryAddAlias(newName!, current.Description, Find(current.Fingerprint).Id))
        {
            throw new ApiException(409, "Alias already exists");
        }
        store.RemoveAlias(name);
        events.Publish("lifecycle", new Dictionary<string, object> { ["action"] = "image-alias-renamed", ["source"] = $"/1.0/images/aliases/{newName}" });
    }

    public void DeleteAlias(string name)
    {
        if (!store.RemoveAlias(name))
        {
            throw ApiException.NotFound("Image alias not found");
        }
        events.Publish("lifecycle", new Dictionary<string, object> { ["action"] = "image-alias-deleted", ["source"] = $"/1.0/images/aliases/{name}" });
    }

    private static ImageAliasEntry ToApi(ImageAliasRecord alias) => new()
    {
        Name = alias.Name,
        Description = alias.Description,
        Target = alias.Fingerprint,
    };
}
