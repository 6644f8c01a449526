using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using Incus.Daemon.Images;

namespace Incus.Tests.Unit;

public sealed class ImageArchiveTests : IDisposable
{
    private const string Metadata = "architecture: amd64\ncreation_date: 1700000000\nproperties:\n  os: busybox\n  description: test\n";
    private readonly TemporaryDirectory _scratch = new();

    private string Build(Action<TarWriter> entries, bool gzip = true)
    {
        string path = Path.Combine(_scratch.Path, $"{Guid.NewGuid():N}.tar");
        using (var file = System.IO.File.Create(path))
        using (Stream output = gzip ? new GZipStream(file, CompressionLevel.Fastest) : file)
        using (var writer = new TarWriter(output, TarEntryFormat.Pax))
        {
            entries(writer);
        }
        return path;
    }

    private static void File(TarWriter writer, string name, string content)
    {
        writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)) });
    }

    private static void Entry(TarWriter writer, TarEntryType type, string name, string? link = null)
    {
        var entry = new PaxTarEntry(type, name);
        if (link is not null)
        {
            entry.LinkName = link;
        }
        writer.WriteEntry(entry);
    }

    private static void Valid(TarWriter writer)
    {
        File(writer, "metadata.yaml", Metadata);
        Entry(writer, TarEntryType.Directory, "rootfs/");
        Entry(writer, TarEntryType.Directory, "rootfs/bin/");
        File(writer, "rootfs/bin/busybox", "binary");
        Entry(writer, TarEntryType.SymbolicLink, "rootfs/bin/sh", "busybox");
        Entry(writer, TarEntryType.SymbolicLink, "rootfs/usr/bin/env", "../../bin/busybox");
        Entry(writer, TarEntryType.SymbolicLink, "rootfs/etc/mtab", "/proc/self/mounts");
        Entry(writer, TarEntryType.HardLink, "rootfs/bin/ash", "rootfs/bin/busybox");
    }

    [Fact]
    public void AcceptsAUnifiedImageAndReadsItsMetadata()
    {
        var info = ImageArchive.Inspect(Build(Valid));
        Assert.Equal("x86_64", info.Architecture);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1700000000), info.CreatedAt);
        Assert.Equal("busybox", info.Properties["os"]);
        Assert.Equal("x86_64", ImageArchive.Inspect(Build(Valid, gzip: false)).Architecture);
    }

    public static TheoryData<string, string> UnsafeEntries => new()
    {
        { "dotdot", "\"..\"" },
        { "absolute", "absolute path" },
        { "symlink-outside-rootfs", "outside rootfs" },
        { "symlink-climbing-out", "points out of rootfs" },
        { "char-device", "device node" },
        { "block-device", "device node" },
        { "fifo", "FIFO" },
        { "hardlink-outside", "hard link" },
        { "hardlink-forward", "hard link" },
        { "rootfs-is-symlink", "outside rootfs" },
        { "unexpected-top-level", "unexpected entry" },
        { "through-symlink", "below the symlink" },
        // The tar reader itself may refuse the header first; either way it is a rejection.
        { "control-character", "Invalid image" },
    };

    [Theory]
    [MemberData(nameof(UnsafeEntries))]
    public void RefusesUnsafeEntries(string kind, string message)
    {
        string path = Build(writer =>
        {
            File(writer, "metadata.yaml", Metadata);
            Entry(writer, TarEntryType.Directory, "rootfs/");
            switch (kind)
            {
                case "dotdot": File(writer, "rootfs/../x", "x"); break;
                case "absolute": File(writer, "/etc/cron.d/evil", "x"); break;
                case "symlink-outside-rootfs": Entry(writer, TarEntryType.SymbolicLink, "templates", "/etc"); break;
                case "symlink-climbing-out": Entry(writer, TarEntryType.SymbolicLink, "rootfs/etc/x", "../../../etc/shadow"); break;
                case "char-device": Entry(writer, TarEntryType.CharacterDevice, "rootfs/dev/mem"); break;
                case "block-device": Entry(writer, TarEntryType.BlockDevice, "rootfs/dev/sda"); break;
                case "fifo": Entry(writer, TarEntryType.Fifo, "rootfs/pipe"); break;
                case "hardlink-outside": Entry(writer, TarEntryType.HardLink, "rootfs/shadow", "/etc/shadow"); break;
                case "hardlink-forward": Entry(writer, TarEntryType.HardLink, "rootfs/a", "rootfs/b"); break;
                case "rootfs-is-symlink": break;
                case "unexpected-top-level": File(writer, "evil.sh", "x"); break;
                case "through-symlink":
                    Entry(writer, TarEntryType.SymbolicLink, "rootfs/etc", "/etc");
                    File(writer, "rootfs/etc/cron.d/owned", "x");
                    break;
                case "control-character": File(writer, "rootfs/x\ny", "x"); break;
            }
        });
        if (kind == "rootfs-is-symlink")
        {
            path = Build(writer =>
            {
                File(writer, "metadata.yaml", Metadata);
                Entry(writer, TarEntryType.SymbolicLink, "rootfs", "/etc");
            });
        }
        var error = Assert.Throws<ImageRejectedException>(() => ImageArchive.Inspect(path));
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void RefusesIncompleteOrCorruptArchives()
    {
        Assert.Contains("metadata.yaml is missing", Assert.Throws<ImageRejectedException>(() =>
            ImageArchive.Inspect(Build(w => Entry(w, TarEntryType.Directory, "rootfs/")))).Message);
        Assert.Contains("rootfs/ is missing", Assert.Throws<ImageRejectedException>(() =>
            ImageArchive.Inspect(Build(w => File(w, "metadata.yaml", Metadata)))).Message);
        Assert.Contains("architecture", Assert.Throws<ImageRejectedException>(() =>
            ImageArchive.Inspect(Build(w => { File(w, "metadata.yaml", "properties: {}\n"); Entry(w, TarEntryType.Directory, "rootfs/"); }))).Message);

        string truncated = Build(Valid);
        byte[] bytes = System.IO.File.ReadAllBytes(truncated);
        System.IO.File.WriteAllBytes(truncated, bytes[..(bytes.Length / 2)]);
        Assert.Throws<ImageRejectedException>(() => ImageArchive.Inspect(truncated));

        string xz = Path.Combine(_scratch.Path, "image.tar.xz");
        System.IO.File.WriteAllBytes(xz, [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 1, 2, 3]);
        Assert.Contains("compression", Assert.Throws<ImageRejectedException>(() => ImageArchive.Inspect(xz)).Message);

        string garbage = Path.Combine(_scratch.Path, "garbage");
        System.IO.File.WriteAllBytes(garbage, Enumerable.Range(0, 4096).Select(i => (byte)(i * 7)).ToArray());
        Assert.Throws<ImageRejectedException>(() => ImageArchive.Inspect(garbage));
    }

    public void Dispose() => _scratch.Dispose();
}
