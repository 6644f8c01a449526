using System.Formats.Tar;
using System.IO.Compression;
using System.Text;

namespace Incus.Tests.Integration;

/// <summary>Image tarballs that try to escape the tree, written to a temporary file.</summary>
public static class UnsafeImages
{
    public static readonly string[] Kinds = ["dotdot", "absolute", "symlink-to-etc", "device-node"];

    public static string Build(string kind)
    {
        string path = Path.Combine(Path.GetTempPath(), $"incus-it-unsafe-{kind}-{Guid.NewGuid():N}.tar.gz");
        using var file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        using var writer = new TarWriter(gzip, TarEntryFormat.Pax);
        writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "metadata.yaml")
        {
            DataStream = new MemoryStream(Encoding.UTF8.GetBytes("architecture: x86_64\ncreation_date: 1700000000\n")),
        });
        writer.WriteEntry(new PaxTarEntry(TarEntryType.Directory, "rootfs/"));
        switch (kind)
        {
            case "dotdot":
                writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "rootfs/../../x") { DataStream = new MemoryStream([1]) });
                break;
            case "absolute":
                writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "/etc/incus-it-owned") { DataStream = new MemoryStream([1]) });
                break;
            case "symlink-to-etc":
                writer.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "templates") { LinkName = "/etc" });
                break;
            case "device-node":
                writer.WriteEntry(new PaxTarEntry(TarEntryType.CharacterDevice, "rootfs/dev/kmem") { DeviceMajor = 1, DeviceMinor = 2 });
                break;
            default:
                throw new ArgumentException(kind);
        }
        return path;
    }
}
