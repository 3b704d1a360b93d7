using OneApi.Relay.Abstractions;
using OneApi.Relay.Inbound.Responses;

namespace OneApi.Server.Relay;

/// <summary>
/// <c>POST /v1/responses</c>: OpenAI's Responses API, the default of the OpenAI Agents SDK, <c>@ai-sdk/openai</c> and
/// Codex. Routed and billed like chat completions; served natively by OpenAI channels, converted for the others.
/// </summary>
public static class ResponsesEndpoints
{
    public static void MapResponsesEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/responses", RelayAsync);
    }

    private static Task RelayAsync(HttpContext context, RelayPipeline pipeline)
    {
        ClientApis.Use(context, ResponsesClientApi.Instance);
        return pipeline.RelayAsync(context, RelayMode.ChatCompletions, null);
    }
}
