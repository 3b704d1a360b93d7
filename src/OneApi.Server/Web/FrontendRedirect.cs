namespace OneApi.Server.Web;

/// <summary>
/// Laisky's one-api on a slave node with <c>FRONTEND_BASE_URL</c>: every page that is not an API route answers 301 to
/// the same path there, so people land on the master's console while the API is served here.
/// </summary>
public static class FrontendRedirect
{
    private static readonly string[] ServedHere = ["/api", "/v1", "/v1beta", "/dashboard", "/healthz", "/readyz", "/metrics"];

    public static IApplicationBuilder UseFrontendRedirect(this IApplicationBuilder app, string frontendBaseUrl) => app.Use((context, next) =>
    {
        var request = context.Request;
        if (ServedHere.Any(prefix => request.Path.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase)))
        {
            return next(context);
        }
        context.Response.Redirect(frontendBaseUrl + request.PathBase + request.Path + request.QueryString, permanent: true);
        return Task.CompletedTask;
    });
}
