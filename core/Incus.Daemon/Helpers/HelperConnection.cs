using System.Net.Sockets;
using Incus.HelperProtocol;
using Serilog;
using StreamJsonRpc;
using StreamJsonRpc.Protocol;

namespace Incus.Daemon.Helpers;

/// <summary>
/// The core's connection to one root helper. It connects on first use, and after the helper dies
/// (the supervisor restarts it on the same socket) the next call connects again. Every call has a
/// time limit, so a helper that hangs fails the request instead of hanging it.
/// </summary>
public sealed class HelperConnection<T>(string helperName, string socketPath, ILogger log, TimeSpan? defaultTimeout = null) : IAsyncDisposable
    where T : class
{
    private static readonly TimeSpan ConnectPatience = TimeSpan.FromSeconds(5);
    private readonly TimeSpan _defaultTimeout = defaultTimeout ?? HelperTimeouts.Quick;
    private readonly SemaphoreSlim _connectGate = new(1, 1);
    private JsonRpc? _rpc;
    private T? _proxy;

    /// <summary>
    /// Calls the helper. <paramref name="call"/> must hand the token it is given to the proxy method:
    /// that token carries the time limit, and its cancellation tells the helper to drop the request.
    /// </summary>
    /// <param name="timeout">How long this call may take; the connection's default when null.</param>
    public async Task<TResult> CallAsync<TResult>(string operation, Func<T, CancellationToken, Task<TResult>> call,
        CancellationToken cancellationToken = default, TimeSpan? timeout = null)
    {
        TimeSpan limit = timeout ?? _defaultTimeout;
        var (rpc, proxy) = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(limit);
        Task<TResult>? pending = null;
        try
        {
            pending = call(proxy, deadline.Token);
            // StreamJsonRpc keeps a cancelled call pending until the helper acknowledges the cancellation,
            // which a stuck helper never does; the wait itself must therefore end at the deadline.
            return await pending.WaitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            if (pending is not null)
            {
                Abandon(operation, pending);
            }
            throw new HelperTimeoutException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"The {helperName} helper did not answer {operation} within {limit.TotalSeconds:0.#} s; the request was cancelled, but work the helper had begun may still complete"));
        }
        catch (ConnectionLostException ex)
        {
            Forget(rpc);
            throw new HelperUnavailableException($"The {helperName} helper stopped during {operation}; it is being restarted, try again", ex);
        }
        catch (ObjectDisposedException ex)
        {
            Forget(rpc);
            throw new HelperUnavailableException($"The {helperName} helper connection closed during {operation}; try again", ex);
        }
        catch (RemoteInvocationException ex)
        {
            bool refused = ex.DeserializedErrorData is CommonErrorData { TypeName: "Incus.Helpers.HelperRequestException" };
            throw new HelperFailedException(refused ? ex.Message : $"{helperName} helper: {ex.Message}", refused, ex);
        }
    }

    /// <summary>
    /// Connects ahead of the first call, so that at start-up the connections to all helpers (and the
    /// proxies behind them) are set up at once instead of one after another inside the first calls.
    /// A helper that cannot be reached yet is not an error here: the first call connects again and
    /// reports it.
    /// </summary>
    public async Task WarmUpAsync(CancellationToken cancellationToken)
    {
        try
        {
            await ConnectAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (HelperUnavailableException ex)
        {
            log.Debug("connecting ahead to the {Helper} helper failed: {Error}", helperName, ex.Message);
        }
    }

    public Task CallAsync(string operation, Func<T, CancellationToken, Task> call, CancellationToken cancellationToken = default, TimeSpan? timeout = null) =>
        CallAsync<bool>(operation, async (proxy, token) =>
        {
            await call(proxy, token).ConfigureAwait(false);
            return true;
        }, cancellationToken, timeout);

    /// <summary>
    /// The answer to a call the core gave up on may still arrive (or the connection may drop); it is
    /// logged rather than left as an unobserved task failure.
    /// </summary>
    private void Abandon(string operation, Task pending) =>
        _ = pending.ContinueWith(
            ended => log.Debug(ended.Exception?.GetBaseException(), "the {Helper} helper's {Operation} call that timed out ended as {Status}",
                helperName, operation, ended.Status),
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    private async Task<(JsonRpc, T)> ConnectAsync(CancellationToken cancellationToken)
    {
        await _connectGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_rpc is { IsDisposed: false, Completion.IsCompleted: false } existing && _proxy is not null)
            {
                return (existing, _proxy);
            }
            var deadline = DateTime.UtcNow + ConnectPatience;
            while (true)
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken).ConfigureAwait(false);
                    var stream = new NetworkStream(socket, ownsSocket: true);
                    var rpc = new JsonRpc(new NewLineDelimitedMessageHandler(stream, stream, HelperWireFormat.CreateFormatter()));
                    var proxy = HelperProxy.Attach<T>(rpc);
                    rpc.Disconnected += (_, e) => log.Debug("connection to the {Helper} helper ended: {Reason}", helperName, e.Description);
                    rpc.StartListening();
                    _rpc = rpc;
                    _proxy = proxy;
                    return (rpc, proxy);
                }
                catch (SocketException ex) when (DateTime.UtcNow < deadline)
                {
                    socket.Dispose();
                    log.Debug("the {Helper} helper is not answering yet ({Error}); retrying", helperName, ex.SocketErrorCode);
                    await Task.Delay(50, cancellationToken).ConfigureAwait(false);
                }
                catch (SocketException ex)
                {
                    socket.Dispose();
                    throw new HelperUnavailableException($"The {helperName} helper is not reachable at {socketPath}: {ex.Message}", ex);
                }
            }
        }
        finally
        {
            _connectGate.Release();
        }
    }

    private void Forget(JsonRpc rpc)
    {
        if (ReferenceEquals(_rpc, rpc))
        {
            _rpc = null;
            _proxy = null;
        }
        rpc.Dispose();
    }

    public ValueTask DisposeAsync()
    {
        _rpc?.Dispose();
        return ValueTask.CompletedTask;
    }
}
