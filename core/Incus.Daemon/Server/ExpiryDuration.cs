using System.Globalization;

namespace Incus.Daemon.Server;

/// <summary>
/// Durations as Incus writes them in expiry keys: space-separated <c>&lt;n&gt;&lt;unit&gt;</c> terms with
/// S (seconds), M (minutes), H (hours), d (days) and w (weeks), for example <c>1d 12H</c>.
/// </summary>
public static class ExpiryDuration
{
    public static TimeSpan? TryParse(string text)
    {
        var terms = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (terms.Length == 0)
        {
            return null;
        }
        TimeSpan total = TimeSpan.Zero;
        foreach (string term in terms)
        {
            if (term.Length < 2 || !long.TryParse(term.AsSpan(0, term.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out long count)
                || count > 100_000)
            {
                return null;
            }
            TimeSpan? unit = term[^1] switch
            {
                'S' => TimeSpan.FromSeconds(1),
                'M' => TimeSpan.FromMinutes(1),
                'H' => TimeSpan.FromHours(1),
                'd' => TimeSpan.FromDays(1),
                'w' => TimeSpan.FromDays(7),
                _ => null,
            };
            if (unit is null)
            {
                return null;
            }
            total += unit.Value * count;
        }
        return total > TimeSpan.Zero ? total : null;
    }
}
