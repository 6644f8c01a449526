using Incus.Cli;

try
{
    return await Commands.Build().Parse(args).InvokeAsync(new System.CommandLine.InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (CliException ex)
{
    Console.Error.WriteLine($"Error: {ex.Message}");
    return 1;
}
