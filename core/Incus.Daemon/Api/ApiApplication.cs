using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Serilog;

namespace Incus.Daemon.Api;

/// <summary>
/// Builds a web application serving the whole API. The Unix socket and the TLS listener are two
/// such applications over the same services, so the TLS one can be started and stopped at runtime
/// without touching the socket.
/// </summary>
public static class ApiApplication
{
    public static WebApplication Build(CoreServices services, IRequestAuthenticator authenticator, Serilog.ILogger log,
        Action<KestrelServerOptions> listen, Action<WebApplicationBuilder>? configure = null)
    {
        // An empty host: the daemon takes no configuration from files, variables or arguments, and each
        // default the slim builder adds (configuration sources, console logging, the HTTPS
        // configuration loader) is start-up work of the core. An appsettings.json watcher, for one,
        // walked the whole working directory with inotify, about 140 ms of every start.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseKestrelCore();
        builder.Services.AddRoutingCore();
        builder.Logging.AddSerilog(log);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            listen(kestrel);
        });
        configure?.Invoke(builder);
        var app = builder.Build();
        var gate = services.Startup;
        app.Use(async (context, next) =>
        {
            if (!gate.IsOpen)
            {
                try
                {
                    await gate.WaitAsync(context.RequestAborted).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
                {
                    // The client gave up before the core was ready; there is nobody to answer.
                    return;
                }
            }
            await next(context).ConfigureAwait(false);
        });
        app.UseMiddleware<AccessAndErrorMiddleware>(log, authenticator);
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(30) });
        ApiRoutes.Map(app, services.Server, services.Operations, services.Events, services.Helpers, services.Https);
        CertificateRoutes.Map(app, services.Trust, services.Tokens, services.Server, services.Https);
        StoragePoolRoutes.Map(app, services.StoragePools);
        ImageRoutes.Map(app, services.Images);
        ProfileRoutes.Map(app, services.Profiles);
        NetworkRoutes.Map(app, services.Networks);
        FirewallRoutes.Map(app, services.Firewall);
        InstanceRoutes.Map(app, services.Instances, services.Operations, services.Exec);
        InstanceRoutes.MapOperationWebsockets(app, services.Exec);
        return app;
    }
}
