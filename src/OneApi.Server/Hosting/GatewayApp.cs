using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Options;
using OneApi.Data;
using OneApi.Relay.Abstractions;
using OneApi.Relay.Tokens;
using OneApi.Relay.Transport;
using OneApi.Server.Admin;
using OneApi.Server.Auth;
using OneApi.Server.Background;
using OneApi.Server.Billing;
using OneApi.Server.Channels;
using OneApi.Server.Cluster;
using OneApi.Server.Configuration;
using OneApi.Server.Observability;
using OneApi.Server.Options;
using OneApi.Server.Relay;
using OneApi.Server.Web;

namespace OneApi.Server.Hosting;

/// <summary>Builds the gateway: services, middleware, routes. Tests build it the same way, with their own settings.</summary>
public static partial class GatewayApp
{
    /// <param name="replaceServices">Runs after every registration: tests put their stand-ins (a DNS resolver) in place.</param>
    public static WebApplication Build(string[] args, IDictionary<string, string?>? overrides = null, Action<IServiceCollection>? replaceServices = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddCommandLine(args, CommandLine.SettingFlags);
        if (overrides is not null)
        {
            builder.Configuration.AddInMemoryCollection(overrides);
        }
        var settings = GatewaySettings.From(builder.Configuration);
        var openFiles = OpenFileLimit.RaiseToHard();
        var capacity = new RelayCapacity(openFiles?.After);

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Any, settings.Port);
            kestrel.Limits.MaxRequestBodySize = settings.MaxRequestBodyBytes + 1;
            // Read ahead no more than the headers may take (Kestrel's floor): a body waiting for BODY_MEMORY_MB stays
            // in the socket, not here; 1,500 such connections hold 48 MB, not 1.5 GB.
            kestrel.Limits.MaxRequestBufferSize = kestrel.Limits.MaxRequestHeadersTotalSize;
        });
        // The socket transport reads ahead on its own, up to 1 MiB a connection by default, whatever Kestrel's limit
        // says: 1,500 connections sending 150 KB bodies held 153 MiB of pinned buffers. Its pipe pauses at the same 32 KB.
        builder.Services.Configure<SocketTransportOptions>(sockets => sockets.MaxReadBufferSize = 32 * 1024);
        builder.Logging.AddGatewayLogging(settings);

        var services = builder.Services;
        services.AddSingleton<IConnectionListenerFactory>(sp => new DescriptorGatedTransport(
            new SocketTransportFactory(sp.GetRequiredService<IOptions<SocketTransportOptions>>(), sp.GetRequiredService<ILoggerFactory>()), capacity));
        services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            json.SerializerOptions.TypeInfoResolverChain.Add(new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver());
        });
        services.AddSingleton(settings);
        services.AddSingleton(capacity);
        services.AddSingleton(new BodyMemoryBudget(settings.BodyMemoryBytes));
        services.AddCluster(settings);
        services.AddOneApiRateLimits(settings);
        // the drain comes on top of the time requests in flight get to finish
        services.Configure<HostOptions>(host => host.ShutdownTimeout = settings.ShutdownTimeout + settings.DrainDelay);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(new StartInfo(CommandLine.Version, DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
        services.AddOneApiData(settings.Database, settings.LogDatabase);

        services.AddSingleton<OptionStore>();
        services.AddSingleton<RoutingTableStore>();
        services.AddSingleton<ChannelSuspensions>();
        services.AddSingleton<ChannelAutoDisabler>();
        services.AddSingleton<ChannelRecentOutcomes>();
        services.AddSingleton<ChannelSuccessMonitor>();
        services.AddSingleton(sp => new ChannelSelector(Random.Shared, sp.GetRequiredService<ChannelSuspensions>()));
        services.AddSingleton<SessionCookie>();
        services.AddSingleton<AccountCache>();
        services.AddSingleton<RelayRateLimiter>();
        services.AddSingleton<RelayKeyAuthenticator>();
        services.AddManagementApi(builder.Configuration);
        services.AddApiDocument();
        services.AddSingleton<QuotaReservations>();
        services.AddSingleton<BillingLedger>();
        services.AddHostedService(sp => sp.GetRequiredService<BillingLedger>());
        services.AddSingleton<LogShipper>();
        services.AddHostedService(sp => sp.GetRequiredService<LogShipper>());
        services.AddHostedService<SnapshotRefresher>();
        if (settings.IsMasterNode)
        {
            // jobs that must run once per deployment, not once per node
            services.AddHostedService(sp => sp.GetRequiredService<RequestCostPurge>());
            services.AddHostedService<ChannelTestSchedule>();
        }

        services.AddSingleton<TokenCounter>();
        services.AddProviderAdaptors(settings);
        services.AddSingleton<UpstreamCall>();
        services.AddSingleton<RelayPipeline>();
        services.AddSingleton<MediaRelay>();
        services.AddSingleton<ProxyRelay>();
        services.AddHttpClient(UpstreamCall.ClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                // an idle pooled socket holds a descriptor that a burst of new clients may need (see RelayCapacity)
                PooledConnectionIdleTimeout = TimeSpan.FromSeconds(15),
                AutomaticDecompression = DecompressionMethods.All,
                ConnectTimeout = TimeSpan.FromSeconds(30),
                MaxConnectionsPerServer = int.MaxValue,
                Proxy = settings.RelayProxy is { } proxy ? new WebProxy(proxy) : null,
                ConnectCallback = (context, cancellationToken) => CountedSockets.ConnectAsync(context, capacity, cancellationToken),
            })
            .AddHttpMessageHandler(() => new WebSocketBridge()) // Xunfei Spark answers over a WebSocket
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            .RemoveAllLoggers(); // per-request logging scopes cost more than the relay's own work
        replaceServices?.Invoke(services);

        services.AddGatewayTelemetry(settings, builder.Configuration);
        services.AddSingleton(sp => new Drain(settings.DrainDelay, sp.GetRequiredService<TimeProvider>()));
        services.AddHostedService(sp => sp.GetRequiredService<Drain>());
        services.AddHostedService<IdleMemoryTrim>();

        var app = builder.Build();
        if (openFiles is { } files)
        {
            app.Lifetime.ApplicationStarted.Register(() =>
            {
                capacity.CountOpenAtStart();
                LogOpenFiles(app.Logger, files.After, files.Before, capacity.Reserve, capacity.Ceiling);
            });
        }
        app.Use((context, next) =>
        {
            if (!capacity.KeepsConnectionsAlive)
            {
                context.Response.Headers.Connection = "close"; // see RelayCapacity.KeepsConnectionsAlive
            }
            return next(context);
        });
        app.UseRequestIds();
        app.UseRequestLogScope();
        app.UseGatewayTelemetry(settings);
        if (!settings.IsMasterNode && settings.FrontendBaseUrl is { } frontend)
        {
            app.UseFrontendRedirect(frontend);
        }
        app.UseRateLimiter();
        app.UseAccountCacheReset();
        app.MapHealth();
        app.UseRelayRouteErrors();
        app.MapManagementApi();
        app.MapRelayEndpoints();
        app.MapAnthropicMessagesEndpoints();
        app.MapResponsesEndpoints();
        app.MapGeminiEndpoints();
        app.MapApiDocument();
        app.MapConsole();
        return app;
    }

    /// <summary>Prepares the database and loads the snapshots; call before <c>RunAsync</c>.</summary>
    public static async Task InitializeAsync(WebApplication app, CancellationToken cancellationToken = default)
    {
        await DatabaseBootstrap.RunAsync(app.Services, cancellationToken);
        await app.Services.GetRequiredService<OptionStore>().ReloadAsync(cancellationToken);
        await app.Services.GetRequiredService<RoutingTableStore>().ReloadAsync(cancellationToken);
    }

    [LoggerMessage(EventId = 9001, Level = LogLevel.Information,
        Message = "open-file limit {Limit} (was {Before}), {Reserve} kept for the runtime and files: room for about {Streams} concurrent streams, each holding two sockets")]
    private static partial void LogOpenFiles(ILogger logger, long limit, long before, long reserve, long streams);
}
