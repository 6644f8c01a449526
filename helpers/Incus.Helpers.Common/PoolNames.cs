namespace Incus.Helpers;

/// <summary>What a storage pool may be called: 1–63 of [A-Za-z0-9_.-], starting with a letter or digit.</summary>
public static class PoolNames
{
    public static string Validate(string? name)
    {
        RequestValidation.Plain(name, "name");
        if (name!.Length is < 1 or > 63 || !char.IsAsciiLetterOrDigit(name[0])
            || name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-')) || name.Contains("..", StringComparison.Ordinal))
        {
            throw new HelperRequestException(
                $"name: \"{RequestValidation.Printable(name)}\" is not a valid pool name (1-63 of A-Z a-z 0-9 _ . -, starting with a letter or digit)");
        }
        return name;
    }
}
