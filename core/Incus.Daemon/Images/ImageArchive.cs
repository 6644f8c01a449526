using System.Formats.Tar;
using System.IO.Compression;
using YamlDotNet.Serialization;

namespace Incus.Daemon.Images;

/// <summary>
/// Checks a unified image tarball (metadata.yaml, rootfs/, optional templates/) before it is
/// accepted: every entry must stay inside the tree. Refused: absolute paths, "..", device nodes and
/// FIFOs, hard links to anything but an earlier entry, symlinks outside rootfs/, and relative
/// symlinks that climb out of rootfs/. Absolute symlinks inside rootfs/ name paths in the container
/// and are kept; the unpacker never follows links while writing.
/// </summary>
public static class ImageArchive
{
    public const int MaxMetadataBytes = 1024 * 1024;
    private static readonly HashSet<string> TopLevel = ["metadata.yaml", "rootfs", "templates"];

    public static ImageArchiveInfo Inspect(string path)
    {
        using var file = File.OpenRead(path);
        using var tar = Decompress(file);
        byte[]? metadata = null;
        bool hasRootfs = false;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var symlinks = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            using var reader = new TarReader(tar);
            while (reader.GetNextEntry() is { } entry)
            {
                string name = CheckName(entry.Name);
                if (name.Length == 0)
                {
                    continue;
                }
                string[] parts = name.Split('/');
                CheckEntry(entry, name, parts, seen);
                // An entry below an earlier symlink would be written through it, wherever it points.
                for (int depth = 1; depth < parts.Length; depth++)
                {
                    string parent = string.Join('/', parts[..depth]);
                    if (symlinks.Contains(parent))
                    {
                        throw new ImageRejectedException($"Invalid image: entry \"{name}\" lies below the symlink \"{parent}\"");
                    }
                }
                seen.Add(name);
                if (entry.EntryType == TarEntryType.SymbolicLink)
                {
                    symlinks.Add(name);
                }
                hasRootfs |= parts[0] == "rootfs";
                if (name == "metadata.yaml")
                {
                    metadata = ReadMetadata(entry);
                }
            }
        }
        catch (Exception ex) when (ex is InvalidDataException or FormatException or EndOfStreamException or ArgumentException)
        {
            throw new ImageRejectedException($"Invalid image tarball: {ex.Message}");
        }
        if (metadata is null)
        {
            throw new ImageRejectedException("Invalid image: metadata.yaml is missing");
        }
        if (!hasRootfs)
        {
            throw new ImageRejectedException("Invalid image: rootfs/ is missing (only unified container images are supported)");
        }
        return ParseMetadata(metadata);
    }

    private static Stream Decompress(Stream file)
    {
        Span<byte> magic = stackalloc byte[6];
        int read = file.ReadAtLeast(magic, magic.Length, throwOnEndOfStream: false);
        file.Position = 0;
        if (read < 6)
        {
            throw new ImageRejectedException("Invalid image tarball: the file is too short");
        }
        if (magic[0] == 0x1f && magic[1] == 0x8b)
        {
            return new GZipStream(file, CompressionMode.Decompress, leaveOpen: true);
        }
        if (magic.SequenceEqual(new byte[] { 0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00 }) || (magic[0] == 'B' && magic[1] == 'Z' && magic[2] == 'h')
            || (magic[0] == 0x28 && magic[1] == 0xb5 && magic[2] == 0x2f && magic[3] == 0xfd))
        {
            throw new ImageRejectedException("Unsupported image compression: use an uncompressed or gzip-compressed tarball");
        }
        return new NonClosingStream(file);
    }

    private static string CheckName(string raw)
    {
        if (raw.Any(char.IsControl))
        {
            throw new ImageRejectedException($"Invalid image: entry \"{Printable(raw)}\" has control characters in its name");
        }
        if (raw.StartsWith('/'))
        {
            throw new ImageRejectedException($"Invalid image: entry \"{raw}\" has an absolute path");
        }
        string name = raw;
        while (name.StartsWith("./", StringComparison.Ordinal))
        {
            name = name[2..];
        }
        name = name.TrimEnd('/');
        if (name is "." or "")
        {
            return "";
        }
        if (name.Split('/').Any(part => part is ".." or "." or ""))
        {
            throw new ImageRejectedException($"Invalid image: entry \"{raw}\" has a \"..\", \".\" or empty path component");
        }
        return name;
    }

    private static void CheckEntry(TarEntry entry, string name, string[] parts, HashSet<string> seen)
    {
        if (!TopLevel.Contains(parts[0]))
        {
            throw new ImageRejectedException($"Invalid image: unexpected entry \"{name}\" (expected metadata.yaml, rootfs/ and templates/)");
        }
        switch (entry.EntryType)
        {
            case TarEntryType.Directory:
                if (name == "metadata.yaml")
                {
                    throw new ImageRejectedException("Invalid image: metadata.yaml is a directory");
                }
                break;
            case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                if (parts.Length == 1 && parts[0] != "metadata.yaml")
                {
                    throw new ImageRejectedException($"Invalid image: \"{name}\" must be a directory");
                }
                break;
            case TarEntryType.SymbolicLink:
                CheckSymlink(name, parts, entry.LinkName);
                break;
            case TarEntryType.HardLink:
                CheckHardLink(name, entry.LinkName, seen);
                break;
            case TarEntryType.CharacterDevice or TarEntryType.BlockDevice:
                throw new ImageRejectedException($"Invalid image: entry \"{name}\" is a device node");
            case TarEntryType.Fifo:
                throw new ImageRejectedException($"Invalid image: entry \"{name}\" is a FIFO");
            default:
                throw new ImageRejectedException($"Invalid image: entry \"{name}\" has unsupported type {entry.EntryType}");
        }
    }

    private static void CheckSymlink(string name, string[] parts, string target)
    {
        if (parts[0] != "rootfs" || parts.Length == 1)
        {
            throw new ImageRejectedException($"Invalid image: symlink \"{name}\" -> \"{target}\" is outside rootfs/");
        }
        if (target.Length == 0 || target.Any(char.IsControl))
        {
            throw new ImageRejectedException($"Invalid image: symlink \"{name}\" has an empty or unprintable target");
        }
        if (target.StartsWith('/'))
        {
            // Resolved against the container's root at run time, never against the host's.
            return;
        }
        // Depth of the link's directory below rootfs/, then walk the target.
        int depth = parts.Length - 2;
        foreach (string part in target.Split('/'))
        {
            if (part == "..")
            {
                depth--;
                if (depth < 0)
                {
                    throw new ImageRejectedException($"Invalid image: symlink \"{name}\" -> \"{target}\" points out of rootfs/");
                }
            }
            else if (part is not ("." or ""))
            {
                depth++;
            }
        }
    }

    private static void CheckHardLink(string name, string target, HashSet<string> seen)
    {
        string normalized = target;
        while (normalized.StartsWith("./", StringComparison.Ordinal))
        {
            normalized = normalized[2..];
        }
        if (target.StartsWith('/') || normalized.Split('/').Any(p => p is ".." or "") || !normalized.StartsWith("rootfs/", StringComparison.Ordinal)
            || !seen.Contains(normalized))
        {
            throw new ImageRejectedException($"Invalid image: hard link \"{name}\" -> \"{target}\" does not name an earlier file in rootfs/");
        }
    }

    private static byte[] ReadMetadata(TarEntry entry)
    {
        if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile))
        {
            throw new ImageRejectedException("Invalid image: metadata.yaml is not a regular file");
        }
        if (entry.Length > MaxMetadataBytes || entry.DataStream is null)
        {
            throw new ImageRejectedException($"Invalid image: metadata.yaml is empty or larger than {MaxMetadataBytes} bytes");
        }
        var buffer = new MemoryStream();
        entry.DataStream.CopyTo(buffer);
        return buffer.ToArray();
    }

    private static ImageArchiveInfo ParseMetadata(byte[] yaml)
    {
        Dictionary<object, object?>? document;
        try
        {
            document = new DeserializerBuilder().Build().Deserialize<object?>(System.Text.Encoding.UTF8.GetString(yaml)) as Dictionary<object, object?>;
        }
        catch (YamlDotNet.Core.YamlException ex)
        {
            throw new ImageRejectedException($"Invalid image: metadata.yaml is not valid YAML: {ex.Message}");
        }
        if (document is null)
        {
            throw new ImageRejectedException("Invalid image: metadata.yaml must be a mapping");
        }
        string architecture = document.GetValueOrDefault("architecture")?.ToString() ?? "";
        architecture = architecture switch
        {
            "amd64" or "x86_64" => "x86_64",
            "arm64" or "aarch64" => "aarch64",
            "" => throw new ImageRejectedException("Invalid image: metadata.yaml has no architecture"),
            var other => other,
        };
        var created = long.TryParse(document.GetValueOrDefault("creation_date")?.ToString(), out long seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : DateTimeOffset.UnixEpoch;
        var properties = document.GetValueOrDefault("properties") is Dictionary<object, object?> map
            ? map.ToDictionary(kv => kv.Key.ToString() ?? "", kv => kv.Value?.ToString() ?? "", StringComparer.Ordinal)
            : new Dictionary<string, string>();
        return new ImageArchiveInfo(architecture, created, properties);
    }

    private static string Printable(string value) => string.Concat(value.Take(64).Select(c => char.IsControl(c) ? $"\\x{(int)c:x2}" : c.ToString()));
}
