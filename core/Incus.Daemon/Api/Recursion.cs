using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Incus.Daemon.Api;

/// <summary>The <c>recursion</c> query parameter: 0 lists URLs, 1 objects, 2 full objects.</summary>
public static class Recursion
{
    public static int Of(HttpContext context)
    {
        string? value = context.Request.Query["recursion"];
        if (string.IsNullOrEmpty(value))
        {
            return 0;
        }
        return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int level) && level <= 2
            ? level
            : throw ApiException.BadRequest($"invalid recursion \"{value}\"");
    }
}
