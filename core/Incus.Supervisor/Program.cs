using Incus.Supervisor;
using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;

SupervisorOptions options;
try
{
    options = SupervisorOptions.Parse(args);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine($"Error: {ex.Message}\n\n{SupervisorOptions.Usage}");
    return 2;
}

if (Incus.Platform.ProcessStatus.ReadSelf().EffectiveUid != 0)
{
    Console.Error.WriteLine("Error: incusd must be started as root; it drops privileges for everything but its helpers.");
    return 1;
}

Directory.CreateDirectory(options.Layout.LogDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
var level = options.Debug ? LogEventLevel.Debug : options.Verbose ? LogEventLevel.Information : LogEventLevel.Warning;
Log.Logger = new LoggerConfiguration()
    .MinimumLevel.Is(level)
    .Enrich.WithProperty("Component", "incusd")
    .WriteTo.Console(outputTemplate: "{Timestamp:HH:mm:ss.fff} {Level:u3} [{Component}] {Message:lj}{NewLine}{Exception}",
        standardErrorFromLevel: LogEventLevel.Verbose)
    .WriteTo.File(new CompactJsonFormatter(), options.Layout.DaemonLog)
    .CreateLogger();

try
{
    using var supervisor = new DaemonSupervisor(options, Log.Logger);
    return await supervisor.RunAsync();
}
catch (Exception ex)
{
    Log.Fatal(ex, "incusd failed: {Message}", ex.Message);
    return 1;
}
finally
{
    await Log.CloseAndFlushAsync();
}
