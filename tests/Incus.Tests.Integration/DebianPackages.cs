namespace Incus.Tests.Integration;

/// <summary>The .deb files packaging/build-debs.sh makes from the stage, built once for all package tests.</summary>
public sealed class DebianPackages : IAsyncLifetime
{
    public string Work { get; } = Directory.CreateTempSubdirectory("incus-debs-").FullName;
    public string Debs => Path.Combine(Work, "debs");
    public string Version { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Stage.RequireRoot();
        // The core runs as incus and must read a tree unpacked beneath this directory.
        File.SetUnixFileMode(Work, (UnixFileMode)0b111_101_101);
        // gzip: the layout is what is tested, and xz would spend a minute compressing.
        (await Command.RunAsync(Path.Combine(Stage.RepositoryRoot, "packaging", "build-debs.sh"), [Stage.Directory, Debs],
            new Dictionary<string, string> { ["DEB_COMPRESSION"] = "gzip" }, timeout: TimeSpan.FromMinutes(5))).EnsureSuccess("build-debs.sh");
        string daemon = Assert.Single(Directory.GetFiles(Debs, "incus_*.deb"));
        Version = (await Command.RunAsync("dpkg-deb", "-f", daemon, "Version")).EnsureSuccess("dpkg-deb -f").Output.Trim();
    }

    public Task DisposeAsync()
    {
        Directory.Delete(Work, recursive: true);
        return Task.CompletedTask;
    }
}
