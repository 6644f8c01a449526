using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using Incus.Daemon.Helpers;
using Incus.Platform;
using Incus.Sdk.Helpers;
using Serilog;

namespace Incus.Tests.Integration;

/// <summary>
/// Instance root filesystems made by the instance helper from images, on the real filesystem: the
/// tree beneath the pool only, the instance directory closed to host users, and no leftovers on failure.
/// </summary>
public sealed class InstanceRootfsTests
{
    private static readonly ILogger Log = new LoggerConfiguration().CreateLogger();

    private static async Task<(StandaloneHelper Helper, StorageHelperClient Client, HelperConnection<IStorageHelper> Connection)> StartAsync()
    {
        var helper = await StandaloneHelper.StartAsync("instance");
        var connection = new HelperConnection<IStorageHelper>("instance", helper.SocketPath, Log);
        var client = new StorageHelperClient(connection);
        await client.CreateDirPoolAsync(new PoolName { Name = "pool" });
        Directory.CreateDirectory(Path.Combine(helper.Directory, "images"));
        return (helper, client, connection);
    }

    private static async Task<string> StoreImageAsync(StandaloneHelper helper, string source)
    {
        string fingerprint = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(await File.ReadAllBytesAsync(source)));
        File.Copy(source, Path.Combine(helper.Directory, "images", fingerprint), overwrite: true);
        return fingerprint;
    }

    private static string Containers(StandaloneHelper helper) => Path.Combine(helper.Directory, "storage-pools", "pool", "containers");

    private static InstanceRootfsSpec Spec(string instance, string fingerprint, uint root) =>
        new() { Pool = "pool", Instance = instance, Fingerprint = fingerprint, RootUid = root, RootGid = root };

    [Fact]
    public async Task UnpacksTheImageIntoAClosedInstanceDirectory()
    {
        var (helper, client, connection) = await StartAsync();
        await using var _ = helper;
        await using var __ = connection;
        string fingerprint = await StoreImageAsync(helper, await BusyboxImage.PathAsync());
        uint root = (uint)SubordinateIds.ForRoot().Start;

        await client.CreateInstanceRootfsAsync(Spec("c1", fingerprint, root));

        string instance = Path.Combine(Containers(helper), "c1");
        Assert.Equal(UnixFileMode.UserExecute, File.GetUnixFileMode(instance));
        var owner = (await Command.RunAsync("/usr/bin/stat", "-c", "%u:%g", instance)).EnsureSuccess("stat");
        Assert.Equal($"{root}:{root}", owner.Output.Trim());
        string rootfs = Path.Combine(instance, "rootfs");
        Assert.True(File.Exists(Path.Combine(rootfs, "bin", "busybox")));
        Assert.Equal("../bin/busybox", new FileInfo(Path.Combine(rootfs, "bin", "sh")).LinkTarget);
        Assert.Equal((UnixFileMode)0b1_111_111_111, File.GetUnixFileMode(Path.Combine(rootfs, "tmp")));
        Assert.Equal((UnixFileMode)0b111_000_000, File.GetUnixFileMode(Path.Combine(rootfs, "root")));

        await TestUsers.EnsureAsync();
        var listing = await Command.RunAsUserAsync(TestUsers.Outsider, "/bin/ls", [instance]);
        Assert.NotEqual(0, listing.ExitCode);

        await client.DeleteInstanceVolumeAsync(new InstanceVolume { Pool = "pool", Instance = "c1" });
        Assert.False(Directory.Exists(instance));
        Assert.Empty(Directory.GetFileSystemEntries(Containers(helper)));
    }

    [Fact]
    public async Task APrivilegedInstanceIsOwnedByHostRoot()
    {
        var (helper, client, connection) = await StartAsync();
        await using var _ = helper;
        await using var __ = connection;
        string fingerprint = await StoreImageAsync(helper, await BusyboxImage.PathAsync());
        await client.CreateInstanceRootfsAsync(Spec("priv", fingerprint, 0));
        var owner = (await Command.RunAsync("/usr/bin/stat", "-c", "%u:%g %a", Path.Combine(Containers(helper), "priv"))).EnsureSuccess("stat");
        Assert.Equal("0:0 100", owner.Output.Trim());
    }

    [Fact]
    public async Task TheInstanceDirectoryFollowsANewContainerRootAndNothingElseIsTouched()
    {
        var (helper, client, connection) = await StartAsync();
        await using var _ = helper;
        await using var __ = connection;
        string fingerprint = await StoreImageAsync(helper, await BusyboxImage.PathAsync());
        uint root = (uint)SubordinateIds.ForRoot().Start;
        await client.CreateInstanceRootfsAsync(Spec("moving", fingerprint, root));
        string instance = Path.Combine(Containers(helper), "moving");
        async Task<string> OwnerAsync(string path) => (await Command.RunAsync("/usr/bin/stat", "-c", "%u:%g %a", path)).EnsureSuccess("stat").Output.Trim();
        string rootfsBefore = await OwnerAsync(Path.Combine(instance, "rootfs"));

        foreach (uint next in new[] { 0u, root + 65536, root })
        {
            await client.SetInstanceOwnerAsync(new InstanceOwner { Pool = "pool", Instance = "moving", RootUid = next, RootGid = next });
            Assert.Equal($"{next}:{next} 100", await OwnerAsync(instance));
            Assert.Equal(rootfsBefore, await OwnerAsync(Path.Combine(instance, "rootfs")));
        }
    }

    [Theory]
    [InlineData("../moving", 0u, "instance")]
    [InlineData("absent", 0u, "does not exist")]
    [InlineData("linked", 0u, "symlink")]
    [InlineData("moving", 1000u, "subordinate ids")]
    public async Task AnOwnerChangeOutsideAnInstanceOrToAForeignRootIsRefused(string instance, uint rootId, string expected)
    {
        var (helper, client, connection) = await StartAsync();
        await using var _ = helper;
        await using var __ = connection;
        string fingerprint = await StoreImageAsync(helper, await BusyboxImage.PathAsync());
        await client.CreateInstanceRootfsAsync(Spec("moving", fingerprint, 0));
        string victim = Path.Combine(helper.Directory, "victim");
        Directory.CreateDirectory(victim);
        File.CreateSymbolicLink(Path.Combine(Containers(helper), "linked"), victim);

        var refused = await Assert.ThrowsAsync<HelperFailedException>(() =>
            client.SetInstanceOwnerAsync(new InstanceOwner { Pool = "pool", Instance = instance, RootUid = rootId, RootGid = rootId }));
        Assert.True(refused.Refused, refused.Message);
        Assert.Contains(expected, refused.Message);
        Assert.Equal("0:0 100", (await Command.RunAsync("/usr/bin/stat", "-c", "%u:%g %a", Path.Combine(Containers(helper), "moving"))).Output.Trim());
        Assert.Equal("0:0 755", (await Command.RunAsync("/usr/bin/stat", "-c", "%u:%g %a", victim)).Output.Trim());
    }

    public static TheoryData<string> SwappedImages => new() { "through-symlink", "device", "truncated" };

    /// <summary>The image store is the core's: a file swapped in after import must not get anything out of the tree.</summary>
    [Theory]
    [MemberData(nameof(SwappedImages))]
    public async Task AnImageSwappedByAHostileCoreIsRefusedWithoutLeftovers(string kind)
    {
        var (helper, client, connection) = await StartAsync();
        await using var _ = helper;
        await using var __ = connection;
        string victim = Path.Combine(helper.Directory, "victim");
        Directory.CreateDirectory(victim);
        string path = Path.Combine(helper.Directory, "swapped.tar.gz");
        using (var file = File.Create(path))
        using (var gzip = new GZipStream(file, CompressionLevel.Fastest))
        using (var writer = new TarWriter(gzip, TarEntryFormat.Pax))
        {
            writer.WriteEntry(new PaxTarEntry(TarEntryType.Directory, "rootfs/"));
            writer.WriteEntry(new PaxTarEntry(TarEntryType.Directory, "rootfs/etc/"));
            switch (kind)
            {
                case "through-symlink":
                    writer.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "rootfs/escape") { LinkName = victim });
                    writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "rootfs/escape/owned") { DataStream = new MemoryStream(Encoding.UTF8.GetBytes("x")) });
                    break;
                case "device":
                    writer.WriteEntry(new PaxTarEntry(TarEntryType.BlockDevice, "rootfs/etc/disk") { DeviceMajor = 8, DeviceMinor = 0 });
                    break;
                case "truncated":
                    writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "rootfs/etc/big") { DataStream = new MemoryStream(new byte[100_000]) });
                    break;
            }
        }
        if (kind == "truncated")
        {
            byte[] bytes = await File.ReadAllBytesAsync(path);
            await File.WriteAllBytesAsync(path, bytes[..(bytes.Length / 2)]);
        }
        string fingerprint = await StoreImageAsync(helper, path);

        var refused = await Assert.ThrowsAsync<HelperFailedException>(() => client.CreateInstanceRootfsAsync(Spec("c2", fingerprint, 0)));
        Assert.True(refused.Refused, refused.Message);
        Assert.Empty(Directory.GetFileSystemEntries(victim));
        Assert.Empty(Directory.GetFileSystemEntries(Containers(helper)));
    }

    [Fact]
    public async Task LinksAndSpecialFilesInTheImageStoreAreNotFollowed()
    {
        var (helper, client, connection) = await StartAsync();
        await using var _ = helper;
        await using var __ = connection;
        string images = Path.Combine(helper.Directory, "images");
        string linked = new string('a', 64), fifo = new string('b', 64);
        File.CreateSymbolicLink(Path.Combine(images, linked), await BusyboxImage.PathAsync());
        (await Command.RunAsync("/usr/bin/mkfifo", Path.Combine(images, fifo))).EnsureSuccess("mkfifo");

        var viaLink = await Assert.ThrowsAsync<HelperFailedException>(() => client.CreateInstanceRootfsAsync(Spec("c3", linked, 0)));
        Assert.Contains("symlink", viaLink.Message);
        var viaFifo = await Assert.ThrowsAsync<HelperFailedException>(() => client.CreateInstanceRootfsAsync(Spec("c3", fifo, 0)));
        Assert.Contains("not a regular file", viaFifo.Message);
        Assert.Empty(Directory.GetFileSystemEntries(Containers(helper)));
    }

    [Theory]
    [InlineData("../c", 0u)]
    [InlineData("-c", 0u)]
    [InlineData("c.d", 0u)]
    [InlineData("good", 1000u)]
    [InlineData("good", 4294967295u)]
    public async Task BadNamesAndForeignOwnersAreRefused(string instance, uint rootId)
    {
        var (helper, client, connection) = await StartAsync();
        await using var _ = helper;
        await using var __ = connection;
        string fingerprint = await StoreImageAsync(helper, await BusyboxImage.PathAsync());
        var refused = await Assert.ThrowsAsync<HelperFailedException>(() => client.CreateInstanceRootfsAsync(Spec(instance, fingerprint, rootId)));
        Assert.True(refused.Refused);
        Assert.Empty(Directory.GetFileSystemEntries(Containers(helper)));
    }
}
