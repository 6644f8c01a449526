namespace Incus.DriverCheck;

/// <summary>The outcome of one conformance check: what was checked, whether it held, and what was seen.</summary>
public sealed record CheckResult(string Name, bool Passed, string Detail = "")
{
    public static CheckResult Pass(string name, string detail = "") => new(name, true, detail);

    public static CheckResult Fail(string name, string detail) => new(name, false, detail);
}
