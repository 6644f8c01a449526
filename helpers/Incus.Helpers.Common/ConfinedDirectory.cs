using System.Text;

namespace Incus.Helpers;

/// <summary>
/// An open directory that the helper works beneath. Children are named by single validated path
/// components and opened with openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS), so neither a planted
/// symlink nor ".." can take an operation outside the tree; ownership and modes are set through the
/// opened descriptor, never by path.
/// </summary>
public sealed class ConfinedDirectory : IDisposable
{
    private const int ErrnoExists = 17;
    private const int ErrnoNotDirectory = 20;
    private const int ErrnoLoop = 40;
    private const int ErrnoCrossDevice = 18;
    private const int ErrnoNotFound = 2;
    private const int ErrnoNotEmpty = 39;
    private const ulong Confined = ConfinedNative.ResolveBeneath | ConfinedNative.ResolveNoSymlinks | ConfinedNative.ResolveNoMagicLinks;

    private ConfinedDirectory(int fd, string description)
    {
        Fd = fd;
        Description = description;
    }

    public int Fd { get; }

    /// <summary>Where this directory is, for messages and audit records only; never used to reach it.</summary>
    public string Description { get; }

    /// <summary>
    /// Opens a trusted root (from the helper's own command line), creating it with <paramref name="mode"/>
    /// when missing. The root itself must not be a symlink.
    /// </summary>
    public static ConfinedDirectory OpenRoot(string absolutePath, UnixFileMode mode)
    {
        if (!Path.IsPathFullyQualified(absolutePath))
        {
            throw new ArgumentException($"root must be absolute: {absolutePath}");
        }
        if (!Directory.Exists(absolutePath))
        {
            Directory.CreateDirectory(absolutePath, mode);
        }
        int fd = ConfinedNative.open(absolutePath, ConfinedNative.ODirectory | ConfinedNative.ONoFollow | ConfinedNative.ORdonly | ConfinedNative.OCloexec);
        if (fd < 0)
        {
            int errno = ConfinedNative.LastError;
            throw new IOException($"cannot open {absolutePath}: {ConfinedNative.Describe(errno)}");
        }
        var root = new ConfinedDirectory(fd, absolutePath);
        root.SetMode(mode);
        return root;
    }

    /// <summary>A single path component: no '/', not "." or "..", no control characters, at most 255 bytes.</summary>
    public static string Component(string? name, string field)
    {
        RequestValidation.Plain(name, field);
        if (name!.Length == 0 || name is "." or ".." || name.Contains('/') || Encoding.UTF8.GetByteCount(name) > 255)
        {
            throw new HelperRequestException($"{field}: \"{RequestValidation.Printable(name)}\" is not a single path component");
        }
        return name;
    }

    /// <summary>
    /// Creates a new child directory (it must not exist, not even as a symlink), sets its owner and mode
    /// through the opened descriptor, and returns it open. On any failure the new directory is removed.
    /// </summary>
    public ConfinedDirectory CreateChild(string name, UnixFileMode mode, uint uid = 0, uint gid = 0)
    {
        Component(name, "name");
        // Owner-only until the final owner and mode are set, so nobody else can use it in between.
        const uint OwnerOnly = 0b111_000_000;
        if (ConfinedNative.mkdirat(Fd, name, OwnerOnly) != 0)
        {
            int errno = ConfinedNative.LastError;
            throw errno == ErrnoExists
                ? new HelperRequestException($"{Description}/{name} already exists")
                : new IOException($"mkdir {Description}/{name}: {ConfinedNative.Describe(errno)}");
        }
        ConfinedDirectory? child = null;
        try
        {
            child = OpenChild(name);
            child.SetOwner(uid, gid);
            child.SetMode(mode);
            return child;
        }
        catch
        {
            child?.Dispose();
            ConfinedNative.unlinkat(Fd, name, ConfinedNative.AtRemoveDir);
            throw;
        }
    }

    /// <summary>Opens an existing child directory; a symlink or anything outside the tree is refused.</summary>
    public ConfinedDirectory OpenChild(string name)
    {
        Component(name, "name");
        int fd = ConfinedNative.Openat2(Fd, name, ConfinedNative.ODirectory | ConfinedNative.ONoFollow | ConfinedNative.ORdonly, Confined);
        if (fd < 0)
        {
            int errno = ConfinedNative.LastError;
            throw errno switch
            {
                ErrnoNotFound => new HelperRequestException($"{Description}/{name} does not exist"),
                ErrnoLoop or ErrnoCrossDevice or ErrnoNotDirectory =>
                    new HelperRequestException($"{Description}/{name} is a symlink or not a directory; refusing to follow it"),
                _ => new IOException($"open {Description}/{name}: {ConfinedNative.Describe(errno)}"),
            };
        }
        return new ConfinedDirectory(fd, $"{Description}/{name}");
    }

    /// <summary>Removes an empty child directory. A symlink in its place is refused, not followed.</summary>
    public void RemoveEmptyChild(string name)
    {
        Component(name, "name");
        if (ConfinedNative.unlinkat(Fd, name, ConfinedNative.AtRemoveDir) != 0)
        {
            int errno = ConfinedNative.LastError;
            throw errno switch
            {
                ErrnoNotEmpty => new HelperRequestException($"{Description}/{name} is not empty"),
                ErrnoNotDirectory => new HelperRequestException($"{Description}/{name} is not a directory; refusing to remove it"),
                ErrnoNotFound => new HelperRequestException($"{Description}/{name} does not exist"),
                _ => new IOException($"rmdir {Description}/{name}: {ConfinedNative.Describe(errno)}"),
            };
        }
    }

    /// <summary>Names of the entries in this directory, read through the open descriptor.</summary>
    public IReadOnlyList<string> ListEntries() =>
        new DirectoryInfo($"/proc/self/fd/{Fd}").EnumerateFileSystemInfos().Select(e => e.Name).Order(StringComparer.Ordinal).ToList();

    /// <summary>Names of the child directories that are real directories (not symlinks).</summary>
    public IReadOnlyList<string> ListDirectories() =>
        new DirectoryInfo($"/proc/self/fd/{Fd}").EnumerateDirectories()
            .Where(d => d.LinkTarget is null)
            .Select(d => d.Name)
            .Order(StringComparer.Ordinal)
            .ToList();

    public void SetMode(UnixFileMode mode)
    {
        if (ConfinedNative.fchmod(Fd, (uint)mode) != 0)
        {
            throw new IOException($"chmod {Description}: {ConfinedNative.Describe(ConfinedNative.LastError)}");
        }
    }

    public void SetOwner(uint uid, uint gid)
    {
        if (ConfinedNative.fchown(Fd, uid, gid) != 0)
        {
            throw new IOException($"chown {Description}: {ConfinedNative.Describe(ConfinedNative.LastError)}");
        }
    }

    public void Dispose() => ConfinedNative.close(Fd);
}
