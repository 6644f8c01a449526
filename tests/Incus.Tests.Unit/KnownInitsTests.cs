using Incus.Helpers.Lxc;

namespace Incus.Tests.Unit;

public sealed class KnownInitsTests
{
    [Fact]
    public void StateIsKnownWithoutAskingLxcUntilForgotten()
    {
        string name = $"ki{Guid.NewGuid():N}"[..12];
        Assert.Null(KnownInits.RunningPid(name));
        KnownInits.Remember(name, Environment.ProcessId);
        Assert.Equal(Environment.ProcessId, KnownInits.RunningPid(name));
        KnownInits.RememberStopped(name, KnownInits.Generation(name));
        Assert.Equal(0, KnownInits.RunningPid(name));
        KnownInits.Forget(name);
        Assert.Null(KnownInits.RunningPid(name));
    }

    [Fact]
    public void AnInitThatExitedIsReportedStoppedOnceThenUnknown()
    {
        string name = $"ki{Guid.NewGuid():N}"[..12];
        // A process that is certainly alive when remembered (a /bin/true could be reaped before Remember
        // reads its start time, and then nothing would be remembered), ended afterwards.
        using var process = System.Diagnostics.Process.Start("/bin/sleep", "30")!;
        int pid = process.Id;
        KnownInits.Remember(name, pid);
        process.Kill();
        process.WaitForExit();
        process.Dispose();
        // Reaped: /proc/<pid> is gone (or belongs to another process with another start time).
        Assert.Equal(0, KnownInits.RunningPid(name));
        Assert.Null(KnownInits.RunningPid(name));
    }

    [Fact]
    public void AStoppedStateReadBeforeAStartBeganIsNotRemembered()
    {
        string name = $"ki{Guid.NewGuid():N}"[..12];
        long generation = KnownInits.Generation(name);
        // A start forgets the container while a concurrent list still waits for lxc-info's older answer.
        KnownInits.Forget(name);
        KnownInits.RememberStopped(name, generation);
        Assert.Null(KnownInits.RunningPid(name));
        KnownInits.RememberStopped(name, KnownInits.Generation(name));
        Assert.Equal(0, KnownInits.RunningPid(name));
    }
}
