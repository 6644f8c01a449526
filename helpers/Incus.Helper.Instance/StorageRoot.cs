namespace Incus.Helpers.Instance;

/// <summary>The fixed directory under which every storage pool lives: $INCUS_DIR/storage-pools.</summary>
public sealed record StorageRoot(string Path, string ImagesPath)
{
    public const UnixFileMode RootMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    public static StorageRoot For(string incusDirectory) =>
        new(System.IO.Path.Combine(incusDirectory, "storage-pools"), System.IO.Path.Combine(incusDirectory, "images"));

    public ConfinedDirectory Open() => ConfinedDirectory.OpenRoot(Path, RootMode);

    /// <summary>
    /// Opens an image file for reading. The image store is written by the core, so the file is opened
    /// beneath the store without following links: a link planted there cannot make the helper read a
    /// file the core itself may not read.
    /// </summary>
    public FileStream OpenImage(string fingerprint)
    {
        if (!Directory.Exists(ImagesPath))
        {
            throw new HelperRequestException("the image store does not exist");
        }
        using var images = ConfinedDirectory.OpenExisting(ImagesPath);
        return images.OpenFileForReading(fingerprint);
    }
}
