using System.Text.RegularExpressions;
using Incus.Sdk;

namespace Incus.Tests.Integration;

/// <summary>
/// What a third-party author does, in a scratch directory with no access to the repository's projects:
/// pack the SDK, copy samples/ out, build the sample against the package alone, and drop it into a stock
/// daemon's plugin directory. The same is done with an SDK whose major is one higher, to prove the loader
/// refuses a plugin built against it. The daemon also gets the plugin fixtures that throw.
/// </summary>
public sealed class SdkSampleFixture : IAsyncLifetime
{
    private static readonly TimeSpan BuildLimit = TimeSpan.FromMinutes(5);

    public string Work { get; } = Directory.CreateTempSubdirectory("incus-sdk-sample-").FullName;
    public string Library => Path.Combine(Work, "lib");
    public string Plugins => Path.Combine(Library, "plugins");
    public string SamplePlugin => Path.Combine(Plugins, "storage-scratch");
    public string NextMajor => $"{int.Parse(SdkVersion.Current.Split('.')[0]) + 1}.0.0";
    public RunningDaemon Daemon { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Stage.RequireRoot();
        // The core runs as incus and must read the plugins.
        File.SetUnixFileMode(Work, (UnixFileMode)0b111_101_101);
        string repository = Stage.RepositoryRoot;
        Directory.CreateDirectory(Plugins);

        // 1. The SDK package, as CI packs it, into the folder the sample's NuGet.config names.
        await DotnetAsync(["pack", Path.Combine(repository, "core", "Incus.Sdk"), "-c", FixturePlugins.Configuration, "--no-build",
            "-o", Path.Combine(Work, "artifacts", "packages")]);
        // 2. The sample, copied out and built against that package only.
        FixturePlugins.CopyTree(Path.Combine(repository, "samples"), Path.Combine(Work, "samples"));
        await DotnetAsync(["publish", Path.Combine(Work, "samples", "storage-scratch"), "-c", "Release", "-o", SamplePlugin],
            Path.Combine(Work, "nuget-packages"));

        // 3. An SDK one major ahead (a copy of the SDK's sources with its version raised), and the sample built against it.
        string next = Path.Combine(Work, "next");
        foreach (string file in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props" })
        {
            File.Copy(Path.Combine(repository, file), Path.Combine(next, file).EnsureParent());
        }
        FixturePlugins.CopyTree(Path.Combine(repository, "core", "Incus.Sdk"), Path.Combine(next, "core", "Incus.Sdk"));
        string versionFile = Path.Combine(next, "core", "Incus.Sdk", "SdkVersion.cs");
        File.WriteAllText(versionFile, File.ReadAllText(versionFile).Replace($"\"{SdkVersion.Current}\"", $"\"{NextMajor}\""));
        // The raised version is a public constant; the API baseline is not what this test is about.
        await DotnetAsync(["pack", Path.Combine(next, "core", "Incus.Sdk"), "-c", "Release", "-p:RunAnalyzers=false"]);
        FixturePlugins.CopyTree(Path.Combine(repository, "samples"), Path.Combine(next, "samples"));
        string project = Path.Combine(next, "samples", "storage-scratch", "StorageScratch.csproj");
        File.WriteAllText(project, Regex.Replace(File.ReadAllText(project), "Include=\"Incus.Sdk\" Version=\"[^\"]*\"", $"Include=\"Incus.Sdk\" Version=\"{NextMajor}\""));
        Assert.Contains(NextMajor, File.ReadAllText(project));
        string honest = Path.Combine(Plugins, "scratch-next-sdk");
        await DotnetAsync(["publish", Path.GetDirectoryName(project)!, "-c", "Release", "-o", honest], Path.Combine(Work, "nuget-packages-next"));
        RewriteManifest(honest, "scratch-next-sdk", $">={NextMajor} <{int.Parse(NextMajor.Split('.')[0]) + 1}.0.0");
        // The same build whose manifest claims it also accepts this SDK: the compiled reference gives it away.
        string lying = Path.Combine(Plugins, "scratch-next-sdk-lying");
        FixturePlugins.CopyTree(honest, lying);
        RewriteManifest(lying, "scratch-next-sdk-lying", $">=1.0.0 <{int.Parse(NextMajor.Split('.')[0]) + 1}.0.0");

        // 4. The stock plugins and the throwing fixtures beside them, in a library directory that is otherwise the stage.
        foreach (string part in new[] { "incusd", "core", "helpers", "cli" })
        {
            File.CreateSymbolicLink(Path.Combine(Library, part), Path.Combine(Stage.Directory, part));
        }
        foreach (string plugin in Directory.GetDirectories(Path.Combine(Stage.Directory, "plugins")))
        {
            Directory.CreateSymbolicLink(Path.Combine(Plugins, Path.GetFileName(plugin)), plugin);
        }
        foreach (var (fixture, folder) in new[] { ("ThrowingPlugin", "throwing"), ("ThrowingConstructorPlugin", "throwing-constructor"), ("FailingStoragePlugin", "failing-storage") })
        {
            FixturePlugins.CopyTree(FixturePlugins.Output(fixture), Path.Combine(Plugins, folder));
        }
        Daemon = await RunningDaemon.StartAsync("--libdir", Library);
    }

    private static void RewriteManifest(string folder, string name, string sdk)
    {
        string manifest = Path.Combine(folder, "plugin.json");
        string text = Regex.Replace(File.ReadAllText(manifest), "\"name\": \"[^\"]*\"", $"\"name\": \"{name}\"");
        text = Regex.Replace(text, "\"sdk\": \"[^\"]*\"", $"\"sdk\": \"{sdk}\"");
        Assert.Contains(name, text);
        Assert.Contains(sdk, text);
        File.WriteAllText(manifest, text);
    }

    /// <param name="packages">A private package cache, so a build never sees an older package of the same version.</param>
    private static async Task DotnetAsync(string[] arguments, string? packages = null)
    {
        var environment = new Dictionary<string, string> { ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1", ["DOTNET_NOLOGO"] = "1" };
        if (packages is not null)
        {
            environment["NUGET_PACKAGES"] = packages;
        }
        (await Command.RunAsync("dotnet", [.. arguments, "-nologo", "-v:q"], environment, timeout: BuildLimit))
            .EnsureSuccess($"dotnet {string.Join(' ', arguments)}");
    }

    public async Task DisposeAsync()
    {
        if (Daemon is not null)
        {
            await Daemon.DisposeAsync();
        }
        Directory.Delete(Work, recursive: true);
    }
}
