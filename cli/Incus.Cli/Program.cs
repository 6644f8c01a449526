using Incus.Cli;

try
{
    var parsed = Commands.Build().Parse(args);
    var configuration = new System.CommandLine.InvocationConfiguration { EnableDefaultExceptionHandler = false };
    if (parsed.CommandResult.Command.Name == "edit")
    {
        // An edit runs the user's editor on this terminal. Ctrl+C there belongs to the editor (ConfigEditor
        // ignores it meanwhile), and at the retry prompt it must end the CLI at once, leaving everything
        // unchanged; System.CommandLine's handler would instead end the command two seconds later, even
        // with the editor still open.
        configuration.ProcessTerminationTimeout = null;
    }
    return await parsed.InvokeAsync(configuration);
}
catch (CliException ex)
{
    Console.Error.WriteLine($"Error: {ex.Message}");
    return 1;
}
