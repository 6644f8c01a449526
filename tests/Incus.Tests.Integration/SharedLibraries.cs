namespace Incus.Tests.Integration;

public static class SharedLibraries
{
    /// <summary>The file the dynamic linker loads for <paramref name="soname"/>, with symbolic links resolved.</summary>
    public static async Task<string> PathOfAsync(string soname)
    {
        var cache = (await Command.RunAsync("/sbin/ldconfig", "-p")).EnsureSuccess("ldconfig -p");
        string line = cache.Output.Split('\n').First(l => l.TrimStart().StartsWith(soname + " ", StringComparison.Ordinal));
        string path = line[(line.LastIndexOf("=> ", StringComparison.Ordinal) + 3)..].Trim();
        return new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? path;
    }
}
