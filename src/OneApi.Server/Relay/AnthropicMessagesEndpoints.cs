using OneApi.Relay.Abstractions;
using OneApi.Relay.Inbound.Anthropic;

namespace OneApi.Server.Relay;

/// <summary>
/// <c>POST /v1/messages</c>: Anthropic's Messages API, for Claude SDKs and tools (as Laisky one-api HEAD, new-api and
/// Thor accept). Authenticated with <c>x-api-key</c> or <c>Authorization</c>, routed and billed like chat completions.
/// </summary>
public static class AnthropicMessagesEndpoints
{
    public static void MapAnthropicMessagesEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/messages", RelayAsync);
        app.MapPost("/v1/messages/count_tokens", AnthropicCountTokens.CountAsync);
    }

    private static Task RelayAsync(HttpContext context, RelayPipeline pipeline)
    {
        // anthropic-beta values (comma-separated, possibly repeated) go on to Claude channels.
        var betas = context.Request.Headers["anthropic-beta"]
            .SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .ToList();
        ClientApis.Use(context, betas.Count > 0 ? new AnthropicClientApi(betas) : AnthropicClientApi.Instance);
        return pipeline.RelayAsync(context, RelayMode.ChatCompletions, null);
    }
}
