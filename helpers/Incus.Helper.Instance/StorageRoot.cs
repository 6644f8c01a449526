namespace Incus.Helpers.Instance;

/// <summary>The fixed directory under which every storage pool lives: $INCUS_DIR/storage-pools.</summary>
public sealed record StorageRoot(string Path)
{
    public const UnixFileMode RootMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    public static StorageRoot For(string incusDirectory) => new(System.IO.Path.Combine(incusDirectory, "storage-pools"));

    public ConfinedDirectory Open() => ConfinedDirectory.OpenRoot(Path, RootMode);
}
