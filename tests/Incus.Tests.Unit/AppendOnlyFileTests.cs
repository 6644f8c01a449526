using Incus.Platform;

namespace Incus.Tests.Unit;

public sealed class AppendOnlyFileTests
{
    [Fact]
    public async Task WritersWithTheirOwnDescriptorsNeverOverwriteEachOther()
    {
        using var directory = new TemporaryDirectory();
        string path = Path.Combine(directory.Path, "audit.log");
        // Separate descriptors stand for separate helper processes appending to the shared audit log.
        var writers = Enumerable.Range(0, 4).Select(_ => new AppendOnlyFile(path, UnixFileMode.UserRead | UnixFileMode.UserWrite)).ToList();
        try
        {
            await Task.WhenAll(writers.Select((writer, w) => Task.Run(() =>
            {
                for (int i = 0; i < 500; i++)
                {
                    writer.Write(System.Text.Encoding.UTF8.GetBytes($"{{\"writer\":{w},\"record\":{i},\"padding\":\"{new string('x', 100)}\"}}\n"));
                }
            })));
        }
        finally
        {
            writers.ForEach(w => w.Dispose());
        }
        string[] lines = File.ReadAllLines(path);
        Assert.Equal(2000, lines.Length);
        Assert.All(lines, line => Assert.Matches("^\\{\"writer\":\\d,\"record\":\\d+,\"padding\":\"x{100}\"\\}$", line));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }
}
