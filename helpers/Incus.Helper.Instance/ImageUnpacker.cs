using System.Formats.Tar;
using System.IO.Compression;

namespace Incus.Helpers.Instance;

/// <summary>
/// Writes the rootfs/ entries of an image tarball beneath an open directory. The image file is
/// writable by the core, so nothing checked at import is trusted here: every path is re-validated,
/// every parent is opened without following links, files are created exclusively, and device nodes
/// and FIFOs are refused. Directory modes are applied last, so a read-only directory in the image
/// does not stop its own children from being written.
/// </summary>
public static class ImageUnpacker
{
    public const int MaxEntries = 2_000_000;

    public static void Unpack(Stream image, ConfinedDirectory rootfs)
    {
        using var tar = Decompress(image);
        using var reader = new TarReader(tar);
        var directories = new List<(string[] Path, UnixFileMode Mode, uint Uid, uint Gid)>();
        int count = 0;
        try
        {
            while (reader.GetNextEntry() is { } entry)
            {
                if (++count > MaxEntries)
                {
                    throw new HelperRequestException($"image has more than {MaxEntries} entries");
                }
                if (RootfsPath(entry.Name) is not { } path)
                {
                    continue;
                }
                uint uid = (uint)entry.Uid, gid = (uint)entry.Gid;
                var mode = entry.Mode & (UnixFileMode)0b111_111_111_111;
                if (path.Length == 0)
                {
                    directories.Add((path, mode, uid, gid));
                    continue;
                }
                using var parent = path.Length == 1 ? null : rootfs.Walk(path[..^1]);
                var directory = parent ?? rootfs;
                string name = path[^1];
                switch (entry.EntryType)
                {
                    case TarEntryType.Directory:
                        directory.OpenOrCreateChild(name).Dispose();
                        directories.Add((path, mode, uid, gid));
                        break;
                    case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                        directory.WriteNewFile(name, entry.DataStream, mode, uid, gid);
                        break;
                    case TarEntryType.SymbolicLink:
                        directory.CreateSymlink(name, Plain(entry.LinkName, "symlink target"), uid, gid);
                        break;
                    case TarEntryType.HardLink:
                        var target = RootfsPath(entry.LinkName) is { Length: > 0 } targetPath
                            ? targetPath
                            : throw new HelperRequestException($"hard link {entry.Name} points outside rootfs/");
                        using (var targetParent = target.Length == 1 ? null : rootfs.Walk(target[..^1]))
                        {
                            directory.CreateHardLink(name, targetParent ?? rootfs, target[^1]);
                        }
                        break;
                    default:
                        throw new HelperRequestException($"image entry {RequestValidation.Printable(entry.Name)} has type {entry.EntryType}, which is not unpacked");
                }
            }
        }
        catch (Exception ex) when (ex is InvalidDataException or FormatException or EndOfStreamException)
        {
            throw new HelperRequestException($"the image is not a valid tarball: {ex.Message}");
        }

        // Deepest first, so no directory is locked before its children are finished.
        foreach (var (path, mode, uid, gid) in directories.OrderByDescending(d => d.Path.Length))
        {
            using var directory = path.Length == 0 ? null : rootfs.Walk(path);
            var target = directory ?? rootfs;
            target.SetOwner(uid, gid);
            target.SetMode(mode);
        }
    }

    /// <summary>The components below rootfs/ (empty for rootfs/ itself), or null for entries outside it.</summary>
    private static string[]? RootfsPath(string raw)
    {
        string name = Plain(raw, "entry name");
        while (name.StartsWith("./", StringComparison.Ordinal))
        {
            name = name[2..];
        }
        name = name.TrimEnd('/');
        string[] parts = name.Split('/');
        if (parts[0] != "rootfs")
        {
            return null;
        }
        foreach (string part in parts)
        {
            if (part is "" or "." or "..")
            {
                throw new HelperRequestException($"image entry {RequestValidation.Printable(raw)} has a \"..\", \".\" or empty component");
            }
        }
        return parts[1..];
    }

    private static string Plain(string value, string what)
    {
        if (value.Length == 0 || value.Length > 4096 || value.Any(char.IsControl))
        {
            throw new HelperRequestException($"image {what} \"{RequestValidation.Printable(value)}\" is empty, too long or has control characters");
        }
        return value;
    }

    private static Stream Decompress(Stream file)
    {
        Span<byte> magic = stackalloc byte[2];
        if (file.ReadAtLeast(magic, 2, throwOnEndOfStream: false) < 2)
        {
            throw new HelperRequestException("the image is empty");
        }
        file.Position = 0;
        return magic[0] == 0x1f && magic[1] == 0x8b ? new GZipStream(file, CompressionMode.Decompress, leaveOpen: true) : file;
    }
}
