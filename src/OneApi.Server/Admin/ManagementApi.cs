using OneApi.Server.Auth;

namespace OneApi.Server.Admin;

/// <summary>The management API (<c>/api</c>, plus the legacy billing dashboard) as one unit for the composition root.</summary>
public static class ManagementApi
{
    public static IServiceCollection AddManagementApi(this IServiceCollection services)
    {
        services.AddSingleton<UserAccounts>();
        services.AddSingleton<VerificationCodes>();
        return services;
    }

    public static void MapManagementApi(this IEndpointRouteBuilder app)
    {
        app.MapStatusEndpoints();
        app.MapUserEndpoints();
        app.MapUserAdminEndpoints();
        app.MapTopUpEndpoints();
        app.MapRedemptionEndpoints();
        app.MapLogEndpoints();
        app.MapOptionEndpoints();
        app.MapChannelEndpoints();
        app.MapTokenEndpoints();
        app.MapModelCatalogEndpoints();
        app.MapCostEndpoints();
        app.MapBillingDashboardEndpoints();
    }
}
