namespace Incus.Tests.Integration;

/// <summary>Real local accounts for the access tests: one in incus-admin, one not.</summary>
public static class TestUsers
{
    public const string Member = "incus-it-member";
    public const string Outsider = "incus-it-outsider";
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static bool _created;

    public static async Task EnsureAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (_created)
            {
                return;
            }
            foreach (string user in new[] { Member, Outsider })
            {
                if (Incus.Platform.UnixAccounts.FindUser(user) is null)
                {
                    (await Command.RunAsync("/usr/sbin/useradd", "--system", "--user-group", "--no-create-home", "--shell", "/usr/sbin/nologin", user))
                        .EnsureSuccess($"useradd {user}");
                }
            }
            (await Command.RunAsync("/usr/sbin/usermod", "--append", "--groups", "incus-admin", Member)).EnsureSuccess("usermod");
            _created = true;
        }
        finally
        {
            Gate.Release();
        }
    }
}
