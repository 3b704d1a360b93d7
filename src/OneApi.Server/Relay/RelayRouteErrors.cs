using Microsoft.AspNetCore.Diagnostics;
using OneApi.Relay.Abstractions;
using OneApi.Relay.Adaptors.Anthropic;
using OneApi.Relay.Inbound;
using OneApi.Relay.Inbound.Anthropic;
using OneApi.Relay.Inbound.Gemini;

namespace OneApi.Server.Relay;

/// <summary>
/// Gives a body to the empty 404 and 405 answers of routes the gateway does not serve under <c>/v1</c> and
/// <c>/v1beta</c>, in the caller's dialect: SDKs show "404 (no body)" otherwise, which hides that the route is missing.
/// OpenAI's own wording for an unknown route is "Invalid URL (METHOD /path)".
/// </summary>
public static class RelayRouteErrors
{
    public static void UseRelayRouteErrors(this IApplicationBuilder app) => app.UseStatusCodePages(WriteAsync);

    private static async Task WriteAsync(StatusCodeContext status)
    {
        var context = status.HttpContext;
        var path = context.Request.Path;
        var response = context.Response;
        if (response.StatusCode is not (404 or 405) || !RelayPaths.Contains(path))
        {
            return;
        }
        var message = $"Invalid URL ({context.Request.Method} {path})";
        response.ContentType = "application/json";
        var dialect = DialectOf(context);
        // Each vendor's type for the status: OpenAI calls an unknown route an invalid request, Anthropic "not found".
        var type = dialect is AnthropicClientApi ? AnthropicErrors.TypeOf(response.StatusCode) : "invalid_request_error";
        var error = new RelayError(RelayErrorKind.InvalidRequest, response.StatusCode, message, type);
        await response.Body.WriteAsync(dialect.SerializeError(error, ""));
    }

    /// <summary>Google's on the Gemini routes; Anthropic's on its routes and for its SDKs (which send <c>anthropic-version</c>); else OpenAI's.</summary>
    public static IClientApi DialectOf(HttpContext context)
    {
        if (RelayPaths.IsGemini(context.Request.Path))
        {
            return GeminiClientApi.Instance;
        }
        return context.Request.Path.StartsWithSegments("/v1/messages") || context.Request.Headers.ContainsKey("anthropic-version")
            ? AnthropicClientApi.Instance
            : OpenAIClientApi.Instance;
    }
}
