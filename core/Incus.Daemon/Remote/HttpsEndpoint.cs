using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Incus.Api;
using Incus.Daemon.Api;
using Microsoft.AspNetCore.Builder;
using Serilog;

namespace Incus.Daemon.Remote;

/// <summary>
/// The TLS listener for <c>core.https_address</c>: a second web application over the same routes,
/// started, moved and stopped at runtime. A new address is bound before the config records it, so
/// an address that cannot be listened on is refused and the previous listener stays.
/// </summary>
public sealed class HttpsEndpoint(ILogger log) : IAsyncDisposable
{
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(2);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private WebApplication? _running;
    private volatile HttpsListenAddress? _address;

    /// <summary>Builds the application for an address; set once the core's services exist.</summary>
    public Func<HttpsListenAddress, WebApplication>? Factory { get; set; }

    /// <summary>Called after the listener started, moved or stopped.</summary>
    public Action? Changed { get; set; }

    public HttpsListenAddress? Address => _address;

    /// <summary>
    /// Where clients can reach the listener, as host:port. A wildcard listener lists the host's
    /// addresses, loopback last, so a token's first address is one other hosts can use.
    /// </summary>
    public IReadOnlyList<string> Addresses()
    {
        var address = _address;
        if (address is null)
        {
            return [];
        }
        if (!address.IsWildcard)
        {
            return [address.ToString()];
        }
        var found = NetworkInterface.GetAllNetworkInterfaces()
            .Where(i => i.OperationalStatus is OperationalStatus.Up or OperationalStatus.Unknown)
            .SelectMany(i => i.GetIPProperties().UnicastAddresses.Select(u => u.Address))
            .Where(a => (address.Address.AddressFamily == AddressFamily.InterNetworkV6 || a.AddressFamily == AddressFamily.InterNetwork)
                && !a.IsIPv6LinkLocal)
            .OrderBy(IPAddress.IsLoopback)
            .Select(a => new HttpsListenAddress(a, address.Port).ToString())
            .Distinct()
            .ToList();
        return found;
    }

    /// <summary>Listens on <paramref name="value"/> (empty: stop listening). Throws <see cref="ApiException"/> 400 when it cannot.</summary>
    public async Task ApplyAsync(string value, CancellationToken cancellationToken)
    {
        HttpsListenAddress? next = null;
        if (value.Length > 0)
        {
            next = HttpsListenAddress.TryParse(value, out string? error) ?? throw ApiException.BadRequest(error!);
        }
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var previous = _address;
            if (Equals(next, previous))
            {
                return;
            }
            // The old listener goes first: the new address may share its port.
            await StopCurrentAsync().ConfigureAwait(false);
            if (next is null)
            {
                log.Warning("TLS listener on {Address} stopped", previous);
                return;
            }
            try
            {
                await StartAsync(next).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or SocketException or InvalidOperationException)
            {
                string reason = ex.Message;
                if (previous is not null)
                {
                    await RestoreAsync(previous).ConfigureAwait(false);
                }
                throw ApiException.BadRequest($"cannot listen on {next}: {reason}");
            }
        }
        finally
        {
            _gate.Release();
            Changed?.Invoke();
        }
    }

    private async Task RestoreAsync(HttpsListenAddress previous)
    {
        try
        {
            await StartAsync(previous).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or InvalidOperationException)
        {
            log.Error("the TLS listener could not return to {Address}: {Message}", previous, ex.Message);
        }
    }

    private async Task StartAsync(HttpsListenAddress address)
    {
        var factory = Factory ?? throw new InvalidOperationException("the TLS listener is not set up");
        var app = factory(address);
        try
        {
            await app.StartAsync().ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        _running = app;
        _address = address;
        if (address.IsWildcard)
        {
            log.Warning("TLS listener on {Address}: {Warning}", address, HttpsListenAddress.WildcardWarning);
        }
        else
        {
            log.Warning("TLS listener on {Address}", address);
        }
    }

    private async Task StopCurrentAsync()
    {
        var app = _running;
        _running = null;
        _address = null;
        if (app is null)
        {
            return;
        }
        // Open connections (keep-alive, event websockets) get a short grace, then are closed.
        using var grace = new CancellationTokenSource(StopGrace);
        try
        {
            await app.StopAsync(grace.Token).ConfigureAwait(false);
        }
        finally
        {
            await app.DisposeAsync().ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            await StopCurrentAsync().ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
        _gate.Dispose();
    }
}
