using OneApi.Server.Auth;
using OneApi.Server.Auth.OAuth;
using OneApi.Server.Background;
using OneApi.Server.Channels;
using OneApi.Server.Mail;

namespace OneApi.Server.Admin;

/// <summary>The management API (<c>/api</c>, plus the legacy billing dashboard) as one unit for the composition root.</summary>
public static class ManagementApi
{
    public static IServiceCollection AddManagementApi(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<UserAccounts>();
        services.AddSingleton<VerificationCodes>();
        services.AddSingleton<MailSender>();
        services.AddSingleton<RootNotifier>();
        services.AddSingleton<QuotaReminder>();
        services.AddSingleton(GitHubEndpoints.From(configuration));
        services.AddSingleton<GitHubOAuth>();
        services.AddSingleton<OidcOAuth>();
        services.AddSingleton(LarkEndpoints.From(configuration));
        services.AddSingleton<LarkOAuth>();
        services.AddSingleton<WeChatOAuth>();
        services.AddSingleton<OAuthEndpoints.OAuthSignIn>();
        services.AddHttpClient(OAuthHttp.ClientName, client => client.Timeout = TimeSpan.FromSeconds(20));
        services.AddSingleton(TurnstileEndpoint.From(configuration));
        services.AddSingleton<Turnstile>();
        services.AddHttpClient(Turnstile.ClientName, client => client.Timeout = TimeSpan.FromSeconds(10));
        services.AddSingleton(ChannelTestSettings.From(configuration));
        services.AddSingleton<ChannelTester>();
        services.AddSingleton<ChannelTestBatch>();
        services.AddSingleton<ChannelBalance>();
        services.AddSingleton<RequestCostPurge>();
        services.AddHostedService(sp => sp.GetRequiredService<RequestCostPurge>());
        services.AddHostedService<ChannelTestSchedule>();
        return services;
    }

    public static void MapManagementApi(this IEndpointRouteBuilder app)
    {
        app.MapStatusEndpoints();
        app.MapUserEndpoints();
        app.MapUserAdminEndpoints();
        app.MapEmailEndpoints();
        app.MapOAuthEndpoints();
        app.MapTopUpEndpoints();
        app.MapRedemptionEndpoints();
        app.MapLogEndpoints();
        app.MapOptionEndpoints();
        app.MapChannelEndpoints();
        app.MapTokenEndpoints();
        app.MapModelCatalogEndpoints();
        app.MapChannelTypeEndpoints();
        app.MapConsoleInsightEndpoints();
        app.MapCostEndpoints();
        app.MapBillingDashboardEndpoints();
    }
}
