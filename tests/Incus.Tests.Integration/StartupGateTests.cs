namespace Incus.Tests.Integration;

/// <summary>
/// The core's listener starts while the rest of start-up (hardening, firewall choice, networks) still
/// runs; requests made in that window must wait for it, never see a half-started daemon.
/// </summary>
public sealed class StartupGateTests
{
    [Fact]
    public async Task RequestsMadeWhileTheCoreStartsWaitForItToFinish()
    {
        // The firewall probe is made slow: libnftables cannot be loaded, so the net helper falls back to the
        // nft command, which here takes a second and fails. RunningDaemon polls GET /1.0 from the moment
        // incusd is spawned, so it asks long before the choice is made; the first answer must already name it.
        string scratch = Directory.CreateTempSubdirectory("incus-it-slow-nft-").FullName;
        try
        {
            string slowNft = Path.Combine(scratch, "nft");
            await File.WriteAllTextAsync(slowNft, "#!/bin/sh\nsleep 1\nexit 1\n");
            File.SetUnixFileMode(slowNft, (UnixFileMode)0b111_101_101);
            string library = await SharedLibraries.PathOfAsync("libnftables.so.1");
            await using var daemon = await RunningDaemon.StartReplacingAsync(new Dictionary<string, string>
            {
                ["/usr/sbin/nft"] = slowNft,
                [library] = "/bin/false",
            });
            var first = daemon.FirstServerInfo ?? throw new InvalidOperationException("no first answer was recorded");
            Assert.Equal("xtables", first.GetProperty("environment").GetProperty("firewall").GetString());
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }
}
