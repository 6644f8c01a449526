using System.Text;
using Incus.Platform;
using Incus.Sdk.Helpers;

namespace Incus.Helpers.Lxc;

/// <summary>
/// The container runtime. LXC passes this process's capability bounding set on to container root, so
/// it keeps what containers legitimately use and drops only what Incus also denies privileged
/// containers (module loading, raw I/O, the clock) and the MAC administration capabilities.
/// </summary>
public sealed partial class ContainerHelperService(CallContext context, LxcPaths paths) : IContainerHelper
{
    public static readonly CapabilitySet Capabilities = new(Enum.GetValues<LinuxCapability>()
        .Where(c => c is not (LinuxCapability.SysModule or LinuxCapability.SysRawio or LinuxCapability.SysTime
            or LinuxCapability.MacAdmin or LinuxCapability.MacOverride))
        .Aggregate(0UL, (mask, c) => mask | (1UL << (int)c)));

    private const UnixFileMode Traversable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
    private const string LxcStart = "/usr/bin/lxc-start";
    private const string LxcStop = "/usr/bin/lxc-stop";
    private const string LxcInfo = "/usr/bin/lxc-info";
    private static readonly SemaphoreSlim Writer = new(1, 1);

    public Task<ContainerState> StartContainerAsync(ContainerSpec spec, CancellationToken cancellationToken = default) =>
        Serialized("StartContainer", spec, cancellationToken, async () =>
        {
            Required(spec);
            string name = InstanceNames.Validate(spec.Instance);
            string pool = PoolNames.Validate(spec.Pool);
            if (!spec.Privileged)
            {
                CheckIdmap(spec.IdmapStart, spec.IdmapSize);
            }
            var nics = NicLinks.Validate(spec.Nics, paths.IncusDir);
            if ((await StateAsync(name).ConfigureAwait(false)).Running)
            {
                throw new HelperRequestException($"container {name} is already running");
            }
            string rootfs = paths.Rootfs(pool, name);
            using (var root = ConfinedDirectory.OpenRoot(paths.ContainersRoot, Traversable))
            using (var directory = root.OpenOrCreateChild(name))
            {
                directory.SetMode(Traversable);
                if (directory.ListEntries().Contains("config"))
                {
                    directory.RemoveFile("config");
                }
                string config = LxcConfig.Build(spec with { Nics = nics }, rootfs, Path.Combine(paths.ContainersRoot, name, "lxc.log"));
                directory.WriteNewFile("config", new MemoryStream(Encoding.UTF8.GetBytes(config)), UnixFileMode.UserRead | UnixFileMode.UserWrite, 0, 0);
            }
            KnownInits.Forget(name);
            try
            {
                await FixedCommand.RunAsync(LxcStart, ["-n", name, "-P", paths.ContainersRoot, "-d"]).ConfigureAwait(false);
            }
            catch (InvalidOperationException ex)
            {
                throw new InvalidOperationException($"container {name} failed to start: {LogTail(name)} ({ex.Message.Split('\n')[0]})", ex);
            }
            // A state read that ran during lxc-start may have recorded "stopped"; ask LXC afresh.
            KnownInits.Forget(name);
            var state = await StateAsync(name).ConfigureAwait(false);
            if (!state.Running)
            {
                throw new InvalidOperationException($"container {name} stopped right after start: {LogTail(name)}");
            }
            return state;
        });

    public Task<ContainerState> StopContainerAsync(ContainerStop stop, CancellationToken cancellationToken = default) =>
        Serialized("StopContainer", stop, cancellationToken, async () =>
        {
            Required(stop);
            string name = InstanceNames.Validate(stop.Instance);
            if (stop.TimeoutSeconds is < 1 or > 600)
            {
                throw new HelperRequestException($"timeoutSeconds: {stop.TimeoutSeconds} is outside 1-600");
            }
            if (!(await StateAsync(name).ConfigureAwait(false)).Running)
            {
                return new ContainerState { Running = false, Pid = 0 };
            }
            string[] mode = stop.Force ? ["-k"] : ["-t", stop.TimeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)];
            await FixedCommand.RunAsync(LxcStop, ["-n", name, "-P", paths.ContainersRoot, .. mode]).ConfigureAwait(false);
            KnownInits.Forget(name);
            return await StateAsync(name).ConfigureAwait(false);
        });

    public async Task<IReadOnlyList<ContainerState>> GetContainerStatesAsync(ContainerNames names, CancellationToken cancellationToken = default)
    {
        Required(names);
        var validated = RequestValidation.BoundedList(names.Instances, "instances", 4096).Select(n => InstanceNames.Validate(n)).ToList();
        var states = new ContainerState[validated.Count];
        for (int i = 0; i < validated.Count; i++)
        {
            states[i] = await StateAsync(validated[i]).ConfigureAwait(false);
        }
        if (names.WithInterfaces)
        {
            // Each read is a handful of small /proc files; spread them over the cores.
            Parallel.For(0, states.Length, i =>
            {
                if (states[i].Running)
                {
                    states[i] = states[i] with { Interfaces = RecentNetworkReads.Read(states[i].Pid) };
                }
            });
        }
        return states;
    }

    public async Task<ContainerState> GetContainerStateAsync(ContainerName name, CancellationToken cancellationToken = default)
    {
        Required(name);
        var state = await StateAsync(InstanceNames.Validate(name.Instance)).ConfigureAwait(false);
        return state.Running ? state with { Interfaces = ContainerNetworkReader.Read(state.Pid) } : state;
    }

    public Task<ExecSession> StartExecAsync(ExecSpec spec, CancellationToken cancellationToken = default) =>
        Serialized("StartExec", spec, cancellationToken, async () =>
        {
            Required(spec);
            string name = InstanceNames.Validate(spec.Instance);
            var command = RequestValidation.BoundedList(spec.Command, "command", 256);
            if (command.Count == 0 || command.Any(a => a is null || a.Contains('\0') || a.Length > 65536))
            {
                throw new HelperRequestException("command: 1-256 arguments without NUL are required");
            }
            var environment = RequestValidation.BoundedList(spec.Environment?.ToList(), "environment");
            var arguments = new List<string> { "-n", name, "-P", paths.ContainersRoot, "--clear-env",
                "-u", spec.Uid.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "-g", spec.Gid.ToString(System.Globalization.CultureInfo.InvariantCulture) };
            foreach (var (key, value) in environment)
            {
                if (key.Length is 0 or > 256 || !(char.IsAsciiLetter(key[0]) || key[0] == '_') || key.Any(c => !(char.IsAsciiLetterOrDigit(c) || c == '_'))
                    || value is null || value.Contains('\0') || value.Length > 65536)
                {
                    throw new HelperRequestException($"environment: \"{RequestValidation.Printable(key)}\" is not a valid variable");
                }
                arguments.AddRange(["-v", $"{key}={value}"]);
            }
            arguments.Add("--");
            arguments.AddRange(command);
            var launch = new AttachLaunch(arguments, spec.Interactive, 0, 0);
            if (spec.Interactive && (spec.Width != 0 || spec.Height != 0))
            {
                if (!ExecLimits.IsValidWindowSize(spec.Width, spec.Height))
                {
                    throw new HelperRequestException($"width and height: {spec.Width}x{spec.Height} is outside 1-{ExecLimits.MaxWindowDimension}");
                }
                launch = launch with { Columns = (ushort)spec.Width, Rows = (ushort)spec.Height };
            }
            if (!(await StateAsync(name).ConfigureAwait(false)).Running)
            {
                throw new HelperRequestException($"container {name} is not running");
            }
            string socket = ExecRelay.Start(paths.RunDirectory, context, launch, message => Console.Error.WriteLine($"helper-lxc: {message}"));
            return new ExecSession { SocketName = socket };
        });

    public Task ForgetContainerAsync(ContainerName name, CancellationToken cancellationToken = default) =>
        Serialized("ForgetContainer", name, cancellationToken, async () =>
        {
            Required(name);
            string instance = InstanceNames.Validate(name.Instance);
            if ((await StateAsync(instance).ConfigureAwait(false)).Running)
            {
                throw new HelperRequestException($"container {instance} is running");
            }
            using var root = ConfinedDirectory.OpenRoot(paths.ContainersRoot, Traversable);
            if (root.ListEntries().Contains(instance))
            {
                root.RemoveTree(instance);
            }
            return true;
        });

    private async Task<ContainerState> StateAsync(string name)
    {
        if (KnownInits.RunningPid(name) is int known)
        {
            return new ContainerState { Running = known > 0, Pid = known };
        }
        if (!Directory.Exists(Path.Combine(paths.ContainersRoot, name)))
        {
            return new ContainerState { Running = false, Pid = 0 };
        }
        long generation = KnownInits.Generation(name);
        string output = await FixedCommand.RunAsync(LxcInfo, ["-n", name, "-P", paths.ContainersRoot, "-s", "-p"]).ConfigureAwait(false);
        // "State:          RUNNING" / "PID:            1234"
        var fields = output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(':', 2))
            .Where(parts => parts.Length == 2)
            .ToDictionary(parts => parts[0].Trim(), parts => parts[1].Trim(), StringComparer.Ordinal);
        bool running = fields.GetValueOrDefault("State") == "RUNNING";
        int pid = running && int.TryParse(fields.GetValueOrDefault("PID"), out int parsed) ? parsed : 0;
        if (running)
        {
            KnownInits.Remember(name, pid);
        }
        else
        {
            KnownInits.RememberStopped(name, generation);
        }
        return new ContainerState { Running = running, Pid = pid };
    }

    private string LogTail(string name)
    {
        string log = Path.Combine(paths.ContainersRoot, name, "lxc.log");
        return File.Exists(log) ? string.Join(" | ", File.ReadLines(log).Where(l => !l.Contains(" INFO ", StringComparison.Ordinal) && !l.Contains("Inherited fd", StringComparison.Ordinal)).TakeLast(6)) : "no log";
    }

    /// <summary>An unprivileged map must lie inside root's subordinate ids.</summary>
    private static void CheckIdmap(uint start, uint size)
    {
        var range = new IdRange(start, size);
        if (start == 0 || !SubordinateIds.GrantedToRoot(range))
        {
            throw new HelperRequestException($"id map {range} is not inside root's subordinate ids ({SubordinateIds.ForRoot()})");
        }
    }

    /// <summary>
    /// Runs one container operation at a time. A request whose caller gave up (its time limit passed)
    /// while it waited here is dropped before it starts; one that has started runs to the end, so the
    /// lock always covers the LXC command it guards.
    /// </summary>
    private async Task<T> Serialized<T>(string operation, object? arguments, CancellationToken cancellationToken, Func<Task<T>> action)
    {
        await Writer.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await context.AuditedAsync(operation, arguments, action).ConfigureAwait(false);
        }
        finally
        {
            Writer.Release();
        }
    }

    private static void Required(object? value)
    {
        if (value is null)
        {
            throw new HelperRequestException("request: missing");
        }
    }
}
