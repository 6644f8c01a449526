using System.Security.Cryptography;

namespace Incus.Tests.Integration;

/// <summary>The busybox-static test image, built once per run by tests/fixtures/build-busybox-image.sh.</summary>
public static class BusyboxImage
{
    private static readonly Lazy<Task<string>> Built = new(BuildAsync);

    public static Task<string> PathAsync() => Built.Value;

    public static async Task<string> FingerprintAsync() => Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(await PathAsync())));

    private static async Task<string> BuildAsync()
    {
        string output = Path.Combine(Path.GetTempPath(), $"incus-it-busybox-{Environment.ProcessId}.tar.gz");
        string script = Path.Combine(Stage.RepositoryRoot, "tests", "fixtures", "build-busybox-image.sh");
        (await Command.RunAsync("/bin/bash", script, output)).EnsureSuccess("build-busybox-image.sh");
        // Shared by every test class in this run, so it is removed when the test process ends.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => File.Delete(output);
        return output;
    }
}
