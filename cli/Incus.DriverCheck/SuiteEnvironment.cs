namespace Incus.DriverCheck;

/// <summary>What a suite may use besides the plugin: the installed root helpers and a scratch directory.</summary>
public sealed record SuiteEnvironment(string LibraryDirectory, string WorkDirectory)
{
    public string HelperPath(string helper) => Path.Combine(LibraryDirectory, "helpers", helper, $"incus-helper-{helper}");
}
