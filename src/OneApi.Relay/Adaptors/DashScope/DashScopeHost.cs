using OneApi.Relay.Abstractions;
using OneApi.Relay.Adaptors.OpenAI;
using OneApi.Relay.Catalog;

namespace OneApi.Relay.Adaptors.DashScope;

/// <summary>
/// Alibaba DashScope (channel type 17) at <c>{base}/api/v1/services/…</c> with a Bearer key, as one-api calls it:
/// streams ask for SSE with <c>X-DashScope-SSE</c>, image jobs run in the background (<c>X-DashScope-Async</c>) and
/// are asked after at <c>/api/v1/tasks/{id}</c>; the channel config's <c>plugin</c> goes as <c>X-DashScope-Plugin</c>.
/// </summary>
public sealed class DashScopeHost : IUpstreamHost
{
    public HostKind Kind => HostKind.DashScope;

    public bool Serves(WireFormatKind format, RelayMode mode) => mode is RelayMode.ChatCompletions or RelayMode.Embeddings or RelayMode.ImagesGenerations;

    public ValueTask<HttpRequestMessage> BuildAsync(UpstreamPayload payload, UpstreamChannel channel, CancellationToken cancellationToken)
    {
        var path = payload.Mode switch
        {
            RelayMode.Embeddings => "/api/v1/services/embeddings/text-embedding/text-embedding",
            RelayMode.ImagesGenerations => "/api/v1/services/aigc/text2image/image-synthesis",
            _ => "/api/v1/services/aigc/text-generation/generation",
        };
        var message = BearerHost.Post(BaseUrl(channel) + path, payload, channel.Key);
        if (payload.Stream)
        {
            message.Headers.Add("X-DashScope-SSE", "enable");
        }
        if (payload.Mode == RelayMode.ImagesGenerations)
        {
            message.Headers.Add("X-DashScope-Async", "enable");
        }
        if (channel.Config.Plugin.Length > 0)
        {
            message.Headers.TryAddWithoutValidation("X-DashScope-Plugin", channel.Config.Plugin);
        }
        return ValueTask.FromResult(message);
    }

    public ValueTask<HttpRequestMessage> BuildTaskPollAsync(UpstreamTask task, UpstreamChannel channel, CancellationToken cancellationToken)
    {
        var message = new HttpRequestMessage(HttpMethod.Get, $"{BaseUrl(channel)}/api/v1/tasks/{Uri.EscapeDataString(task.Id)}");
        message.Headers.Authorization = new("Bearer", channel.Key);
        return ValueTask.FromResult(message);
    }

    private static string BaseUrl(UpstreamChannel channel) => ChannelTypes.BaseUrlOf(channel).TrimEnd('/');
}
