using Microsoft.Extensions.FileProviders;

namespace OneApi.Server.Web;

/// <summary>
/// Serves the React console (web/, built into wwwroot beside the server dll) and sends any other GET that is not
/// an API route to its index.html, so client-side routes such as /token survive a reload. Without a built console
/// (server tests, a server-only build) nothing is mapped.
/// </summary>
public static class ConsoleEndpoints
{
    private static readonly string[] ApiPrefixes = ["/api", "/v1", "/v1beta", "/dashboard/billing", "/openapi", "/swagger"];

    public static void MapConsole(this WebApplication app)
    {
        var index = app.Environment.WebRootFileProvider.GetFileInfo("index.html");
        if (!index.Exists)
        {
            return;
        }
        app.UseStaticFiles();
        app.MapFallback(context => ServeIndexAsync(context, index)).ExcludeFromDescription();
    }

    private static async Task ServeIndexAsync(HttpContext context, IFileInfo index)
    {
        var path = context.Request.Path;
        var isRead = HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method);
        if (!isRead || ApiPrefixes.Any(prefix => path.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase)))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        // index.html names hashed assets; it must not be cached or a new build would load stale bundles.
        context.Response.Headers.CacheControl = "no-cache";
        context.Response.ContentType = "text/html; charset=utf-8";
        await context.Response.SendFileAsync(index, context.RequestAborted);
    }
}
