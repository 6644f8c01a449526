using System.Text;
using Incus.Helpers;

namespace Incus.Tests.Unit;

public sealed class MessageSizeLimitStreamTests
{
    [Fact]
    public async Task PassesMessagesWithinTheLimit()
    {
        byte[] input = Encoding.ASCII.GetBytes(new string('a', 100) + "\n" + new string('b', 100) + "\n");
        using var limited = new MessageSizeLimitStream(new MemoryStream(input), 100);
        var output = new MemoryStream();
        await limited.CopyToAsync(output);
        Assert.Equal(input, output.ToArray());
    }

    [Fact]
    public async Task RefusesAMessageThatGrowsPastTheLimitAcrossReads()
    {
        byte[] input = Encoding.ASCII.GetBytes(new string('a', 5000));
        using var limited = new MessageSizeLimitStream(new MemoryStream(input), 4096);
        var buffer = new byte[1000];
        await Assert.ThrowsAsync<IOException>(async () =>
        {
            while (await limited.ReadAsync(buffer) > 0)
            {
            }
        });
    }

    [Fact]
    public async Task CountsFromTheLastNewline()
    {
        byte[] input = Encoding.ASCII.GetBytes(new string('a', 90) + "\n" + new string('b', 101));
        using var limited = new MessageSizeLimitStream(new MemoryStream(input), 100);
        var buffer = new byte[input.Length];
        await Assert.ThrowsAsync<IOException>(async () => Assert.True(await limited.ReadAsync(buffer) > 0));
    }
}
