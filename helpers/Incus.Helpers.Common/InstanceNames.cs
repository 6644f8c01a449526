namespace Incus.Helpers;

/// <summary>Instance names follow hostname rules, as in Incus: 1–63 of [A-Za-z0-9-], starting with a letter, not ending with '-'.</summary>
public static class InstanceNames
{
    public static string Validate(string? name)
    {
        RequestValidation.Plain(name, "instance");
        if (name!.Length is < 1 or > 63 || !char.IsAsciiLetter(name[0]) || name[^1] == '-'
            || name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c == '-')))
        {
            throw new HelperRequestException($"instance: \"{RequestValidation.Printable(name)}\" is not a valid instance name");
        }
        return name;
    }

    public static string Fingerprint(string? value)
    {
        RequestValidation.Plain(value, "fingerprint");
        if (value!.Length != 64 || value.Any(c => !(char.IsAsciiDigit(c) || c is >= 'a' and <= 'f')))
        {
            throw new HelperRequestException($"fingerprint: \"{RequestValidation.Printable(value)}\" is not a SHA-256 fingerprint");
        }
        return value;
    }
}
