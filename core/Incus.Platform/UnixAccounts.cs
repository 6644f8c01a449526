namespace Incus.Platform;

/// <summary>Looks up users and groups in the local account files.</summary>
public static class UnixAccounts
{
    public static (uint Uid, uint Gid)? FindUser(string name, string passwdPath = "/etc/passwd")
    {
        foreach (var fields in ReadEntries(passwdPath))
        {
            if (fields.Length >= 4 && fields[0] == name
                && uint.TryParse(fields[2], out uint uid) && uint.TryParse(fields[3], out uint gid))
            {
                return (uid, gid);
            }
        }
        return null;
    }

    public static uint? FindGroup(string name, string groupPath = "/etc/group")
    {
        foreach (var fields in ReadEntries(groupPath))
        {
            if (fields.Length >= 3 && fields[0] == name && uint.TryParse(fields[2], out uint gid))
            {
                return gid;
            }
        }
        return null;
    }

    public static string? FindUserName(uint uid, string passwdPath = "/etc/passwd")
    {
        foreach (var fields in ReadEntries(passwdPath))
        {
            if (fields.Length >= 3 && uint.TryParse(fields[2], out uint candidate) && candidate == uid)
            {
                return fields[0];
            }
        }
        return null;
    }

    public static string? FindGroupName(uint gid, string groupPath = "/etc/group")
    {
        foreach (var fields in ReadEntries(groupPath))
        {
            if (fields.Length >= 3 && uint.TryParse(fields[2], out uint candidate) && candidate == gid)
            {
                return fields[0];
            }
        }
        return null;
    }

    private static IEnumerable<string[]> ReadEntries(string path)
    {
        foreach (string line in File.ReadLines(path))
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }
            yield return line.Split(':');
        }
    }
}
