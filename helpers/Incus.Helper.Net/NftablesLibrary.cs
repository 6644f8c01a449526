using System.Runtime.InteropServices;

namespace Incus.Helpers.Net;

/// <summary>
/// libnftables, the library behind the nft command, used in the helper's own process. Starting nft
/// costs about 14 ms before it does anything (it loads its libraries and the system's protocol and
/// service tables), which made a NIC filter change slower than the change itself; the library does
/// the same work in well under a millisecond. One context serves every call, one call at a time,
/// because a libnftables context is not thread-safe.
/// </summary>
public sealed partial class NftablesLibrary : IDisposable
{
    private const string Library = "libnftables.so.1";

    /// <summary>NFT_CTX_OUTPUT_JSON: listings come back as JSON, and JSON input is recognised.</summary>
    private const uint OutputJson = 1 << 4;

    private readonly Lock _gate = new();
    private IntPtr _context;

    private NftablesLibrary(IntPtr context) => _context = context;

    /// <summary>The library, or null with the reason when it cannot be loaded here.</summary>
    public static NftablesLibrary? TryOpen(out string? reason)
    {
        IntPtr context;
        try
        {
            context = nft_ctx_new(0);
        }
        catch (DllNotFoundException ex)
        {
            reason = ex.Message;
            return null;
        }
        catch (EntryPointNotFoundException ex)
        {
            reason = ex.Message;
            return null;
        }
        if (context == IntPtr.Zero)
        {
            reason = "nft_ctx_new returned no context";
            return null;
        }
        nft_ctx_output_set_flags(context, OutputJson);
        if (nft_ctx_buffer_output(context) != 0 || nft_ctx_buffer_error(context) != 0)
        {
            nft_ctx_free(context);
            reason = "libnftables could not buffer its output";
            return null;
        }
        reason = null;
        return new NftablesLibrary(context);
    }

    /// <summary>
    /// Runs one libnftables JSON document (a transaction, or a listing) and returns what it printed;
    /// throws <see cref="InvalidOperationException"/> with nft's own message when it fails.
    /// </summary>
    public string Run(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_context == IntPtr.Zero, this);
            int status = nft_run_cmd_from_buffer(_context, json);
            // Reading a buffer also empties it for the next call, so both are read every time.
            string output = Marshal.PtrToStringUTF8(nft_ctx_get_output_buffer(_context)) ?? "";
            string error = Marshal.PtrToStringUTF8(nft_ctx_get_error_buffer(_context)) ?? "";
            if (status != 0)
            {
                throw new InvalidOperationException($"nft failed: {error.Trim()}");
            }
            return output;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_context != IntPtr.Zero)
            {
                nft_ctx_free(_context);
                _context = IntPtr.Zero;
            }
        }
    }

    [LibraryImport(Library)]
    private static partial IntPtr nft_ctx_new(uint flags);

    [LibraryImport(Library)]
    private static partial void nft_ctx_free(IntPtr context);

    [LibraryImport(Library)]
    private static partial void nft_ctx_output_set_flags(IntPtr context, uint flags);

    [LibraryImport(Library)]
    private static partial int nft_ctx_buffer_output(IntPtr context);

    [LibraryImport(Library)]
    private static partial int nft_ctx_buffer_error(IntPtr context);

    [LibraryImport(Library)]
    private static partial IntPtr nft_ctx_get_output_buffer(IntPtr context);

    [LibraryImport(Library)]
    private static partial IntPtr nft_ctx_get_error_buffer(IntPtr context);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int nft_run_cmd_from_buffer(IntPtr context, string buffer);
}
