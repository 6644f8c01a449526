using System.Diagnostics.CodeAnalysis;
using System.Net.Sockets;
using Incus.Platform;

namespace Incus.Helpers;

/// <summary>The common start-up of every root helper: reduce capabilities, then serve.</summary>
public static class HelperProgram
{
    public static async Task<int> RunAsync<[DynamicallyAccessedMembers(RpcContract.Members)] TInterface>(
        string helperName,
        string[] args,
        CapabilitySet capabilities,
        Func<HelperOptions, CallContext, TInterface> createTarget,
        Func<Task>? stopping = null)
        where TInterface : class
    {
        HelperOptions options;
        try
        {
            options = HelperOptions.Parse(args);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or OverflowException)
        {
            Console.Error.WriteLine($"incus-helper-{helperName}: {ex.Message}");
            return 2;
        }

        // Before anything else: this process keeps only the capabilities it documents.
        CapabilityReduction.EnsureOnly(capabilities);
        // The listening socket had to survive the re-exec above; from here on nothing this helper runs
        // (lxc-attach, and through it a command inside a container) may inherit it or any other
        // descriptor the helper was started with.
        DescriptorInheritance.CloseOnExecFrom(3);

        void Log(string message) => Console.Error.WriteLine($"helper-{helperName}: {message}");
        Log($"started pid={Environment.ProcessId} capabilities={ProcessStatus.ReadSelf().Effective}");

        var callers = new AllowedCallers(options.CallerUid);
        using var audit = new AuditLog(options.AuditLogPath, helperName);
        using var listener = new Socket(new SafeSocketHandle((IntPtr)options.ListenFd, ownsHandle: true));
        using var stop = new CancellationTokenSource();

        // The supervisor holds our stdin. Its lines say which pid is the core; EOF means it is gone.
        var firstCaller = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var control = Task.Run(async () =>
        {
            while (await Console.In.ReadLineAsync().ConfigureAwait(false) is { } line)
            {
                if (callers.ApplyControlLine(line))
                {
                    firstCaller.TrySetResult();
                }
                else
                {
                    Log("ignoring unknown control line");
                }
            }
            stop.Cancel();
            firstCaller.TrySetResult();
        });

        // SIGTERM from the supervisor is an orderly stop like EOF on stdin; without this the runtime's
        // default would end the process before it cleans up what it runs (the net helper's dnsmasqs).
        using var onTerminate = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, signal =>
        {
            signal.Cancel = true;
            stop.Cancel();
            firstCaller.TrySetResult();
        });

        // Until the supervisor has named the core nobody may call, so connections wait in the backlog
        // instead of being refused during start-up.
        await firstCaller.Task.ConfigureAwait(false);
        if (stop.IsCancellationRequested)
        {
            return 0;
        }
        var server = new HelperServer<TInterface>(helperName, listener, callers, audit,
            context => createTarget(options, context), Log);
        await server.RunAsync(stop.Token).ConfigureAwait(false);
        Log("supervisor went away; exiting");
        if (stopping is not null)
        {
            await stopping().ConfigureAwait(false);
        }
        return 0;
    }
}
