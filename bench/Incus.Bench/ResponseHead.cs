using System.Buffers.Text;
using System.Text;

namespace Incus.Bench;

/// <summary>
/// The parts of a response's status line and header block that decide how to read the rest of it.
/// Parsing works on the raw bytes in the receive buffer so a request costs no string allocations.
/// </summary>
public readonly record struct ResponseHead(int StatusCode, BodyFraming Framing, long ContentLength, bool KeepAlive)
{
    /// <summary>Parses a complete head: the status line, the header lines and the terminating empty line.</summary>
    public static ResponseHead Parse(ReadOnlySpan<byte> head)
    {
        int statusLineEnd = head.IndexOf("\r\n"u8);
        if (statusLineEnd < 0)
        {
            throw new HttpProtocolException("response head has no line terminator");
        }

        ReadOnlySpan<byte> statusLine = head[..statusLineEnd];
        // "HTTP/1.x NNN reason": the reason phrase is optional, the single space after the code is not if a reason follows.
        if (statusLine.Length < 12 || !statusLine.StartsWith("HTTP/1."u8) || statusLine[8] != (byte)' '
            || (statusLine.Length > 12 && statusLine[12] != (byte)' '))
        {
            throw new HttpProtocolException($"malformed status line \"{Printable(statusLine)}\"");
        }

        bool isHttp10 = statusLine[7] == (byte)'0';
        int statusCode = ParseStatusCode(statusLine.Slice(9, 3), statusLine);
        if (statusCode < 200)
        {
            // A GET without Expect: 100-continue never legitimately gets an interim answer; treating one as the
            // final response would desynchronise every following request on the connection.
            throw new HttpProtocolException($"unexpected interim response {statusCode}");
        }

        long contentLength = -1;
        bool hasTransferEncoding = false;
        bool isChunked = false;
        bool connectionClose = false;
        bool connectionKeepAlive = false;

        ReadOnlySpan<byte> remaining = head[(statusLineEnd + 2)..];
        while (true)
        {
            int lineEnd = remaining.IndexOf("\r\n"u8);
            if (lineEnd <= 0)
            {
                break; // the empty line that ends the head
            }

            ReadOnlySpan<byte> line = remaining[..lineEnd];
            remaining = remaining[(lineEnd + 2)..];

            int colon = line.IndexOf((byte)':');
            if (colon <= 0)
            {
                throw new HttpProtocolException($"malformed header line \"{Printable(line)}\"");
            }

            ReadOnlySpan<byte> name = line[..colon];
            ReadOnlySpan<byte> value = line[(colon + 1)..].Trim(" \t"u8);

            if (Ascii.EqualsIgnoreCase(name, "Content-Length"u8))
            {
                if (value.IsEmpty || !char.IsAsciiDigit((char)value[0])
                    || !Utf8Parser.TryParse(value, out long parsed, out int consumed) || consumed != value.Length)
                {
                    throw new HttpProtocolException($"invalid Content-Length \"{Printable(value)}\"");
                }

                contentLength = parsed;
            }
            else if (Ascii.EqualsIgnoreCase(name, "Transfer-Encoding"u8))
            {
                hasTransferEncoding = true;
                // Only a final "chunked" coding delimits the body (RFC 9112 §6.3); anything else runs until close.
                isChunked = Ascii.EqualsIgnoreCase(LastToken(value), "chunked"u8);
            }
            else if (Ascii.EqualsIgnoreCase(name, "Connection"u8))
            {
                connectionClose |= HasToken(value, "close"u8);
                connectionKeepAlive |= HasToken(value, "keep-alive"u8);
            }
        }

        BodyFraming framing;
        if (statusCode is 204 or 304)
        {
            framing = BodyFraming.None;
        }
        else if (hasTransferEncoding)
        {
            // Transfer-Encoding wins over Content-Length when both are sent (RFC 9112 §6.3).
            framing = isChunked ? BodyFraming.Chunked : BodyFraming.UntilClose;
        }
        else if (contentLength >= 0)
        {
            framing = BodyFraming.ContentLength;
        }
        else
        {
            framing = BodyFraming.UntilClose;
        }

        // HTTP/1.1 connections persist unless closed; HTTP/1.0 ones only when the server opts in.
        bool keepAlive = isHttp10 ? connectionKeepAlive && !connectionClose : !connectionClose;
        if (framing == BodyFraming.UntilClose)
        {
            keepAlive = false;
        }

        return new ResponseHead(statusCode, framing, contentLength, keepAlive);
    }

    /// <summary>Parses a chunk-size line ("1a2b" optionally followed by ";extension").</summary>
    public static long ParseChunkSize(ReadOnlySpan<byte> line)
    {
        int extension = line.IndexOf((byte)';');
        ReadOnlySpan<byte> digits = (extension >= 0 ? line[..extension] : line).Trim(" \t"u8);
        if (digits.IsEmpty || digits.Length > 15
            || !Utf8Parser.TryParse(digits, out ulong size, out int consumed, 'X') || consumed != digits.Length)
        {
            throw new HttpProtocolException($"invalid chunk size line \"{Printable(line)}\"");
        }

        return (long)size;
    }

    private static int ParseStatusCode(ReadOnlySpan<byte> digits, ReadOnlySpan<byte> statusLine)
    {
        int code = 0;
        foreach (byte digit in digits)
        {
            if (!char.IsAsciiDigit((char)digit))
            {
                throw new HttpProtocolException($"malformed status line \"{Printable(statusLine)}\"");
            }

            code = (code * 10) + (digit - '0');
        }

        return code;
    }

    private static bool HasToken(ReadOnlySpan<byte> value, ReadOnlySpan<byte> token)
    {
        foreach (Range part in value.Split((byte)','))
        {
            if (Ascii.EqualsIgnoreCase(value[part].Trim(" \t"u8), token))
            {
                return true;
            }
        }

        return false;
    }

    private static ReadOnlySpan<byte> LastToken(ReadOnlySpan<byte> value)
    {
        int lastComma = value.LastIndexOf((byte)',');
        return value[(lastComma + 1)..].Trim(" \t"u8);
    }

    // Only used on the error path, so the allocation does not matter.
    private static string Printable(ReadOnlySpan<byte> bytes) =>
        Encoding.ASCII.GetString(bytes.Length > 200 ? bytes[..200] : bytes);
}
