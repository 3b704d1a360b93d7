using OneApi.Relay.Abstractions;
using OneApi.Relay.OpenAI;

namespace OneApi.Server.Relay;

/// <summary>The OpenAI-compatible routes under <c>/v1</c>.</summary>
public static class RelayEndpoints
{
    private static readonly string[] NotImplementedRoutes =
    [
        "/v1/files/{**rest}", "/v1/files", "/v1/fine_tuning/jobs/{**rest}", "/v1/fine_tuning/jobs",
        "/v1/assistants/{**rest}", "/v1/assistants", "/v1/threads/{**rest}", "/v1/threads",
    ];

    public static void MapRelayEndpoints(this IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/v1");
        v1.MapPost("/chat/completions", (HttpContext c, RelayPipeline p) => p.RelayAsync(c, RelayMode.ChatCompletions, null));
        v1.MapPost("/completions", (HttpContext c, RelayPipeline p) => p.RelayAsync(c, RelayMode.Completions, null));
        v1.MapPost("/embeddings", (HttpContext c, RelayPipeline p) => p.RelayAsync(c, RelayMode.Embeddings, null));
        v1.MapPost("/engines/{model}/embeddings", (HttpContext c, string model, RelayPipeline p) => p.RelayAsync(c, RelayMode.Embeddings, model));
        v1.MapPost("/edits", (HttpContext c, RelayPipeline p) => p.RelayAsync(c, RelayMode.Edits, null));
        v1.MapPost("/rerank", (HttpContext c, RelayPipeline p) => p.RelayAsync(c, RelayMode.Rerank, null));
        v1.MapPost("/moderations", (HttpContext c, RelayPipeline p) => p.RelayAsync(c, RelayMode.Moderations, null));
        v1.MapPost("/images/generations", (HttpContext c, MediaRelay m) => m.RelayAsync(c, RelayMode.ImagesGenerations));
        v1.MapPost("/images/edits", (HttpContext c, MediaRelay m) => m.RelayAsync(c, RelayMode.ImagesEdits));
        v1.MapPost("/images/variations", (HttpContext c, MediaRelay m) => m.RelayAsync(c, RelayMode.ImagesVariations));
        v1.MapPost("/audio/speech", (HttpContext c, MediaRelay m) => m.RelayAsync(c, RelayMode.AudioSpeech));
        v1.MapPost("/audio/transcriptions", (HttpContext c, MediaRelay m) => m.RelayAsync(c, RelayMode.AudioTranscription));
        v1.MapPost("/audio/translations", (HttpContext c, MediaRelay m) => m.RelayAsync(c, RelayMode.AudioTranslation));
        v1.Map("/oneapi/proxy/{channelId}/{**target}", (HttpContext c, string channelId, string? target, ProxyRelay p) => p.RelayAsync(c, channelId, target));
        v1.MapGet("/models", ModelEndpoints.ListAsync);
        v1.MapGet("/models/{model}", ModelEndpoints.RetrieveAsync);
        foreach (var route in NotImplementedRoutes)
        {
            app.MapMethods(route, ["GET", "POST", "DELETE"], NotImplemented);
        }
        app.MapDelete("/v1/models/{model}", NotImplemented);
    }

    private static IResult NotImplemented(HttpContext context) =>
        Results.Text(OpenAIError.Serialize(RelayError.NotImplemented(), ""), "application/json", statusCode: 501);
}
