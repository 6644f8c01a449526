namespace Incus.DriverCheck;

/// <summary>
/// What a suite may use besides the plugin: the installed root helpers and a scratch directory, and,
/// when this process is the kit re-executed inside a scratch network namespace, that namespace's name.
/// </summary>
public sealed record SuiteEnvironment(string LibraryDirectory, string WorkDirectory, string? NetworkNamespace = null)
{
    public string HelperPath(string helper) => Path.Combine(LibraryDirectory, "helpers", helper, $"incus-helper-{helper}");
}
