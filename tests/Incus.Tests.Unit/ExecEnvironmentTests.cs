using Incus.Daemon.Exec;

namespace Incus.Tests.Unit;

public sealed class ExecEnvironmentTests
{
    [Fact]
    public void RootGetsPathLangHomeAndUser() =>
        Assert.Equal(
            new Dictionary<string, string> { ["PATH"] = ExecEnvironment.DefaultPath, ["LANG"] = "C.UTF-8", ["HOME"] = "/root", ["USER"] = "root" },
            ExecEnvironment.WithDefaults(null, 0));

    [Fact]
    public void WhatTheClientSendsWinsAndOtherUsersGetNoHome()
    {
        var environment = ExecEnvironment.WithDefaults(new Dictionary<string, string> { ["PATH"] = "/bin", ["TERM"] = "xterm" }, 1000);
        Assert.Equal("/bin", environment["PATH"]);
        Assert.Equal("xterm", environment["TERM"]);
        Assert.Equal("C.UTF-8", environment["LANG"]);
        Assert.False(environment.ContainsKey("HOME"));
        Assert.False(environment.ContainsKey("USER"));
    }
}
