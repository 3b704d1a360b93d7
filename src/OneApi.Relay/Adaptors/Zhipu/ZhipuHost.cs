using OneApi.Relay.Abstractions;
using OneApi.Relay.Adaptors.OpenAI;
using OneApi.Relay.Catalog;

namespace OneApi.Relay.Adaptors.Zhipu;

/// <summary>
/// Zhipu BigModel (channel type 16) through its v4 API, which speaks OpenAI's chat, embeddings and images
/// (https://open.bigmodel.cn/dev/api): <c>{base}/api/paas/v4/…</c>, authenticated with a JWT made from the
/// <c>id.secret</c> key (<see cref="ZhipuTokens"/>). one-api's v3 <c>model-api/…/invoke</c> path for the old
/// chatglm_* models is not served: Zhipu retired those models, so every model goes to v4.
/// </summary>
public sealed class ZhipuHost(ZhipuTokens tokens) : IUpstreamHost
{
    public HostKind Kind => HostKind.Zhipu;

    public bool Serves(WireFormatKind format, RelayMode mode) => mode is RelayMode.ChatCompletions or RelayMode.Embeddings or RelayMode.ImagesGenerations;

    public ValueTask<HttpRequestMessage> BuildAsync(UpstreamPayload payload, UpstreamChannel channel, CancellationToken cancellationToken)
    {
        var url = ChannelTypes.BaseUrlOf(channel).TrimEnd('/') + "/api/paas/v4" + payload.Mode.Path()["/v1".Length..];
        return ValueTask.FromResult(BearerHost.Post(url, payload, tokens.For(channel.Key)));
    }
}
