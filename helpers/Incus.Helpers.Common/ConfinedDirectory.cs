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

    /// <summary>Opens an existing trusted directory as it is, without changing its mode; it must not be a symlink.</summary>
    public static ConfinedDirectory OpenExisting(string absolutePath)
    {
        int fd = ConfinedNative.open(absolutePath, ConfinedNative.ODirectory | ConfinedNative.ONoFollow | ConfinedNative.ORdonly | ConfinedNative.OCloexec);
        if (fd < 0)
        {
            throw new IOException($"cannot open {absolutePath}: {ConfinedNative.Describe(ConfinedNative.LastError)}");
        }
        return new ConfinedDirectory(fd, absolutePath);
    }

    /// <summary>Opens a regular file in this directory for reading; a symlink or anything else is refused.</summary>
    public FileStream OpenFileForReading(string name)
    {
        Component(name, "name");
        // Non-blocking, so a FIFO planted in place of the file cannot stall the helper.
        int fd = ConfinedNative.Openat2(Fd, name, ConfinedNative.ORdonly | ConfinedNative.ONoFollow | ConfinedNative.ONonBlock, Confined);
        if (fd < 0)
        {
            int errno = ConfinedNative.LastError;
            throw errno switch
            {
                ErrnoNotFound => new HelperRequestException($"{Description}/{name} does not exist"),
                ErrnoLoop or ErrnoCrossDevice => new HelperRequestException($"{Description}/{name} is a symlink; refusing to follow it"),
                _ => new IOException($"open {Description}/{name}: {ConfinedNative.Describe(errno)}"),
            };
        }
        var handle = new Microsoft.Win32.SafeHandles.SafeFileHandle(fd, ownsHandle: true);
        if (ConfinedNative.FileType(fd) != ConfinedNative.RegularFileType)
        {
            handle.Dispose();
            throw new HelperRequestException($"{Description}/{name} is not a regular file");
        }
        return new FileStream(handle, FileAccess.Read, bufferSize: 64 * 1024);
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

    /// <summary>Removes a non-directory entry (a file or a symlink, which is not followed).</summary>
    public void RemoveFile(string name)
    {
        Component(name, "name");
        if (ConfinedNative.unlinkat(Fd, name, 0) != 0)
        {
            throw new IOException($"unlink {Description}/{name}: {ConfinedNative.Describe(ConfinedNative.LastError)}");
        }
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

    /// <summary>Opens the directory at <paramref name="components"/> below this one, refusing any symlink on the way.</summary>
    public ConfinedDirectory Walk(IReadOnlyList<string> components)
    {
        var current = OpenChild(Component(components[0], "path"));
        for (int i = 1; i < components.Count; i++)
        {
            using var parent = current;
            current = parent.OpenChild(Component(components[i], "path"));
        }
        return current;
    }

    /// <summary>
    /// Creates a new regular file (never replacing anything, never following a link in its place),
    /// writes <paramref name="content"/>, then sets owner and mode through the descriptor.
    /// </summary>
    public void WriteNewFile(string name, Stream? content, UnixFileMode mode, uint uid, uint gid)
    {
        Component(name, "name");
        const uint OwnerOnly = 0b110_000_000;
        int fd = ConfinedNative.openat(Fd, name, ConfinedNative.OCreat | ConfinedNative.OExcl | ConfinedNative.OWronly
            | ConfinedNative.ONoFollow | ConfinedNative.OCloexec, OwnerOnly);
        if (fd < 0)
        {
            int errno = ConfinedNative.LastError;
            throw errno == ErrnoExists
                ? new HelperRequestException($"{Description}/{name} already exists")
                : new IOException($"create {Description}/{name}: {ConfinedNative.Describe(errno)}");
        }
        using var handle = new Microsoft.Win32.SafeHandles.SafeFileHandle(fd, ownsHandle: true);
        using var file = new FileStream(handle, FileAccess.Write, bufferSize: 0);
        content?.CopyTo(file);
        file.Flush();
        // chown clears set-id bits, so the mode is set last; both while the descriptor is still open.
        if (ConfinedNative.fchown(fd, uid, gid) != 0 || ConfinedNative.fchmod(fd, (uint)mode) != 0)
        {
            throw new IOException($"chown/chmod {Description}/{name}: {ConfinedNative.Describe(ConfinedNative.LastError)}");
        }
    }

    /// <summary>Creates a symlink (its target is stored, never resolved here) owned by uid:gid.</summary>
    public void CreateSymlink(string name, string target, uint uid, uint gid)
    {
        Component(name, "name");
        if (ConfinedNative.symlinkat(target, Fd, name) != 0)
        {
            int errno = ConfinedNative.LastError;
            throw errno == ErrnoExists
                ? new HelperRequestException($"{Description}/{name} already exists")
                : new IOException($"symlink {Description}/{name}: {ConfinedNative.Describe(errno)}");
        }
        if (ConfinedNative.fchownat(Fd, name, uid, gid, ConfinedNative.AtSymlinkNoFollow) != 0)
        {
            throw new IOException($"chown {Description}/{name}: {ConfinedNative.Describe(ConfinedNative.LastError)}");
        }
    }

    /// <summary>Creates a hard link to <paramref name="targetName"/> in <paramref name="targetDirectory"/>; links are not followed.</summary>
    public void CreateHardLink(string name, ConfinedDirectory targetDirectory, string targetName)
    {
        Component(name, "name");
        Component(targetName, "target");
        if (ConfinedNative.linkat(targetDirectory.Fd, targetName, Fd, name, 0) != 0)
        {
            int errno = ConfinedNative.LastError;
            throw errno == ErrnoNotFound
                ? new HelperRequestException($"hard link {Description}/{name}: target {targetDirectory.Description}/{targetName} does not exist")
                : new IOException($"link {Description}/{name}: {ConfinedNative.Describe(errno)}");
        }
    }

    /// <summary>Opens the child directory, creating it owner-only when missing; a symlink in its place is refused.</summary>
    public ConfinedDirectory OpenOrCreateChild(string name)
    {
        Component(name, "name");
        if (ConfinedNative.mkdirat(Fd, name, 0b111_000_000) != 0 && ConfinedNative.LastError != ErrnoExists)
        {
            throw new IOException($"mkdir {Description}/{name}: {ConfinedNative.Describe(ConfinedNative.LastError)}");
        }
        return OpenChild(name);
    }

    /// <summary>
    /// Removes a child directory and everything below it. Every level is opened without following
    /// symlinks, and symlinks inside are removed, never followed.
    /// </summary>
    public void RemoveTree(string name)
    {
        using (var child = OpenChild(name))
        {
            foreach (var entry in new DirectoryInfo($"/proc/self/fd/{child.Fd}").EnumerateFileSystemInfos())
            {
                bool isRealDirectory = entry.LinkTarget is null && (entry.Attributes & FileAttributes.Directory) != 0;
                if (isRealDirectory)
                {
                    child.RemoveTree(entry.Name);
                }
                else if (ConfinedNative.unlinkat(child.Fd, entry.Name, 0) != 0)
                {
                    throw new IOException($"unlink {child.Description}/{entry.Name}: {ConfinedNative.Describe(ConfinedNative.LastError)}");
                }
            }
        }
        RemoveEmptyChild(name);
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
