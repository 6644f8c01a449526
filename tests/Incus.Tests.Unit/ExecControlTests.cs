using System.Buffers.Binary;
using System.Text;
using Incus.Cli;
using Incus.Daemon.Exec;
using Incus.Helpers.Lxc;
using Incus.Sdk.Helpers;

namespace Incus.Tests.Unit;

/// <summary>Exec control messages as the core parses them, the frames the LXC helper checks again, and the CLI's side.</summary>
public sealed class ExecControlTests
{
    private static ExecControlMessage Parse(string json) => ExecControlMessage.Parse(Encoding.UTF8.GetBytes(json));

    [Theory]
    [InlineData("{\"command\":\"window-resize\",\"args\":{\"width\":\"80\",\"height\":\"24\"}}", 80, 24)]
    [InlineData("{\"command\":\"window-resize\",\"args\":{\"width\":132,\"height\":50}}", 132, 50)]
    [InlineData("{\"command\":\"window-resize\",\"args\":{\"height\":\"1\",\"width\":\"10000\"},\"extra\":true}", 10000, 1)]
    public void WindowResizesAreReadFromStringsOrNumbers(string json, int columns, int rows)
    {
        var message = Parse(json);
        Assert.Equal(ExecControlAction.WindowResize, message.Action);
        Assert.Equal((columns, rows), (message.Columns, message.Rows));
        Assert.Null(message.Problem);
    }

    [Theory]
    [InlineData("{\"command\":\"signal\",\"signal\":15}", 15)]
    [InlineData("{\"command\":\"signal\",\"signal\":9}", 9)]
    [InlineData("{\"command\":\"signal\",\"signal\":28}", 28)]
    public void AllowedSignalsAreRead(string json, int signal)
    {
        var message = Parse(json);
        Assert.Equal(ExecControlAction.Signal, message.Action);
        Assert.Equal(signal, message.Signal);
    }

    [Theory]
    [InlineData("not json", "not JSON")]
    [InlineData("[1]", "no \"command\"")]
    [InlineData("{\"command\":7}", "no \"command\"")]
    [InlineData("{\"command\":\"reboot\"}", "unknown control command \"reboot\"")]
    [InlineData("{\"command\":\"bad\\u0007name\"}", "unknown control command \"bad?name\"")]
    [InlineData("{\"command\":\"window-resize\"}", "numeric args")]
    [InlineData("{\"command\":\"window-resize\",\"args\":{\"width\":\"abc\",\"height\":\"24\"}}", "numeric args")]
    [InlineData("{\"command\":\"window-resize\",\"args\":{\"width\":\" 80\",\"height\":\"24\"}}", "numeric args")]
    [InlineData("{\"command\":\"window-resize\",\"args\":{\"width\":80.5,\"height\":24}}", "numeric args")]
    [InlineData("{\"command\":\"window-resize\",\"args\":{\"width\":\"0\",\"height\":\"24\"}}", "0x24 is outside")]
    [InlineData("{\"command\":\"window-resize\",\"args\":{\"width\":\"-1\",\"height\":\"24\"}}", "-1x24 is outside")]
    [InlineData("{\"command\":\"window-resize\",\"args\":{\"width\":\"80\",\"height\":\"10001\"}}", "80x10001 is outside")]
    [InlineData("{\"command\":\"window-resize\",\"args\":{\"width\":70000,\"height\":24}}", "70000x24 is outside")]
    [InlineData("{\"command\":\"signal\"}", "numeric \"signal\"")]
    [InlineData("{\"command\":\"signal\",\"signal\":\"15\"}", "numeric \"signal\"")]
    [InlineData("{\"command\":\"signal\",\"signal\":0}", "signal 0 is not allowed")]
    [InlineData("{\"command\":\"signal\",\"signal\":-9}", "signal -9 is not allowed")]
    [InlineData("{\"command\":\"signal\",\"signal\":34}", "signal 34 is not allowed")]
    [InlineData("{\"command\":\"signal\",\"signal\":4294967305}", "signal 4294967305 is not allowed")]
    public void EverythingElseIsIgnoredWithTheReason(string json, string problem)
    {
        var message = Parse(json);
        Assert.Equal(ExecControlAction.Ignored, message.Action);
        Assert.Contains(problem, message.Problem);
    }

    [Fact]
    public void OversizedMessagesAreNotParsed()
    {
        string json = "{\"command\":\"signal\",\"signal\":15,\"pad\":\"" + new string('x', ExecControlMessage.MaxLength) + "\"}";
        var message = Parse(json);
        Assert.Equal(ExecControlAction.Ignored, message.Action);
        Assert.Contains("over", message.Problem);
    }

    [Fact]
    public void TheAllowlistKeepsOutProbesRealTimeSignalsAndUnknownNumbers()
    {
        Assert.All(new[] { 1, 2, 3, 9, 15, 18, 19, 28 }, s => Assert.True(ExecLimits.IsAllowedSignal(s)));
        Assert.All(new long[] { 0, -15, 7, 8, 13, 17, 31, 32, 34, 64, 65, 1L << 32 | 15 }, s => Assert.False(ExecLimits.IsAllowedSignal(s)));
        Assert.True(ExecLimits.IsValidWindowSize(1, 1));
        Assert.True(ExecLimits.IsValidWindowSize(ExecLimits.MaxWindowDimension, ExecLimits.MaxWindowDimension));
        Assert.False(ExecLimits.IsValidWindowSize(0, 24));
        Assert.False(ExecLimits.IsValidWindowSize(80, ExecLimits.MaxWindowDimension + 1));
    }

    [Fact]
    public void TheHelperChecksFrameTypesAndLengthsFromTheCore()
    {
        Assert.Equal(3, ExecFrames.CheckHeader(Header(ExecFrames.Input, 3)));
        Assert.Equal(0, ExecFrames.CheckHeader(Header(ExecFrames.EndOfInput, 0)));
        Assert.Equal(4, ExecFrames.CheckHeader(Header(ExecFrames.WindowSize, 4)));
        Assert.Equal(4, ExecFrames.CheckHeader(Header(ExecFrames.Signal, 4)));
        foreach (byte type in new[] { ExecFrames.Output, ExecFrames.Error, ExecFrames.Exit, (byte)7, (byte)255 })
        {
            Assert.Throws<InvalidDataException>(() => ExecFrames.CheckHeader(Header(type, 0)));
        }
        Assert.Throws<InvalidDataException>(() => ExecFrames.CheckHeader(Header(ExecFrames.Signal, 2)));
        Assert.Throws<InvalidDataException>(() => ExecFrames.CheckHeader(Header(ExecFrames.WindowSize, 8)));
        Assert.Throws<InvalidDataException>(() => ExecFrames.CheckHeader(Header(ExecFrames.EndOfInput, 1)));
        Assert.Throws<InvalidDataException>(() => ExecFrames.CheckHeader(Header(ExecFrames.Input, -1)));
        Assert.Throws<InvalidDataException>(() => ExecFrames.CheckHeader(Header(ExecFrames.Input, ExecFrames.MaxFrame + 1)));
    }

    [Fact]
    public void TheHelperRefusesSizesAndSignalsOutsideTheLimits()
    {
        Assert.Equal(((ushort)80, (ushort)24), ExecFrames.WindowSizeOf(Size(80, 24)));
        Assert.Null(ExecFrames.WindowSizeOf(Size(0, 24)));
        Assert.Null(ExecFrames.WindowSizeOf(Size(80, 0)));
        Assert.Null(ExecFrames.WindowSizeOf(Size(10001, 24)));
        Assert.Null(ExecFrames.WindowSizeOf(Size(65535, 65535)));
        Assert.Equal(15, ExecFrames.SignalOf(Number(15)));
        foreach (int signal in new[] { 0, -1, 33, 64, int.MaxValue, int.MinValue })
        {
            Assert.Null(ExecFrames.SignalOf(Number(signal)));
        }
    }

    [Theory]
    [InlineData(new[] { "a\r\r\nb\r\n" }, "a\r\nb\n")]
    [InlineData(new[] { "one\r\ntwo" }, "one\ntwo")]
    [InlineData(new[] { "split\r", "\nhere" }, "split\nhere")]
    [InlineData(new[] { "cr\r", "x" }, "cr\rx")]
    [InlineData(new[] { "\r\r", "\r\n" }, "\r\r\n")]
    [InlineData(new[] { "tail\r" }, "tail\r")]
    [InlineData(new[] { "no newlines" }, "no newlines")]
    public void NewlineTranslationIsUndoneExactlyAcrossChunks(string[] chunks, string expected)
    {
        var reversal = new NewlineTranslationReversal();
        var restored = new StringBuilder();
        foreach (string chunk in chunks)
        {
            byte[] output = new byte[chunk.Length + 1];
            int length = reversal.Reverse(Encoding.ASCII.GetBytes(chunk), output);
            restored.Append(Encoding.ASCII.GetString(output, 0, length));
        }
        byte[] rest = new byte[1];
        restored.Append(Encoding.ASCII.GetString(rest, 0, reversal.Flush(rest)));
        Assert.Equal(expected, restored.ToString());
        Assert.False(reversal.Holding);
    }

    [Theory]
    [InlineData(false, false, true, true, true)]
    [InlineData(false, false, true, false, false)]
    [InlineData(false, false, false, true, false)]
    [InlineData(true, false, false, false, true)]
    [InlineData(false, true, true, true, false)]
    public void TheCliChoosesATerminalAsIncusDoes(bool forceInteractive, bool forceNonInteractive, bool stdinTerminal, bool stdoutTerminal, bool expected) =>
        Assert.Equal(expected, ExecCommand.ChooseInteractive(forceInteractive, forceNonInteractive, stdinTerminal, stdoutTerminal));

    [Fact]
    public void TheCliRefusesTAndCapitalTTogether()
    {
        var error = Assert.Throws<CliException>(() => ExecCommand.ChooseInteractive(true, true, true, true));
        Assert.Contains("-t and -T", error.Message);
    }

    [Fact]
    public void TheCliSendsWhatTheDaemonReads()
    {
        string resize = ExecCommand.WindowResizeMessage(120, 40);
        Assert.Contains("\"width\":\"120\"", resize);
        var parsed = Parse(resize);
        Assert.Equal((ExecControlAction.WindowResize, (ushort)120, (ushort)40), (parsed.Action, parsed.Columns, parsed.Rows));
        var signal = Parse(ExecCommand.SignalMessage(2));
        Assert.Equal((ExecControlAction.Signal, 2), (signal.Action, signal.Signal));
    }

    private static byte[] Header(byte type, int length)
    {
        byte[] header = new byte[ExecFrames.HeaderLength];
        header[0] = type;
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(1), length);
        return header;
    }

    private static byte[] Size(ushort columns, ushort rows)
    {
        byte[] data = new byte[4];
        BinaryPrimitives.WriteUInt16BigEndian(data, columns);
        BinaryPrimitives.WriteUInt16BigEndian(data.AsSpan(2), rows);
        return data;
    }

    private static byte[] Number(int value)
    {
        byte[] data = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(data, value);
        return data;
    }
}
