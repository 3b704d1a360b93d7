using OneApi.Relay.Abstractions;
using OneApi.Relay.Catalog;

namespace OneApi.Relay.Adaptors.Baidu;

/// <summary>
/// Baidu Qianfan's ERNIE API (channel type 15): <c>{base}/rpc/2.0/ai_custom/v1/wenxinworkshop/{chat|embeddings}/{endpoint}</c>
/// with the access token in the query (<see cref="BaiduAccessTokens"/>). The token exchange goes to the channel's
/// base URL too, so a channel pointed at a proxy of aip.baidubce.com gets its token there.
/// </summary>
public sealed class BaiduHost(BaiduAccessTokens tokens) : IUpstreamHost
{
    public HostKind Kind => HostKind.Baidu;

    public bool Serves(WireFormatKind format, RelayMode mode) => mode is RelayMode.ChatCompletions or RelayMode.Embeddings;

    public async ValueTask<HttpRequestMessage> BuildAsync(UpstreamPayload payload, UpstreamChannel channel, CancellationToken cancellationToken)
    {
        var baseUrl = BaseUrl(channel);
        var token = await tokens.GetAsync(baseUrl, channel.Key, cancellationToken).ConfigureAwait(false);
        var url = $"{baseUrl}/rpc/2.0/ai_custom/v1/wenxinworkshop/{ErnieEndpoints.PathOf(payload.Model, payload.Mode)}?access_token={Uri.EscapeDataString(token)}";
        return new HttpRequestMessage(HttpMethod.Post, url) { Content = payload.ToContent() };
    }

    public bool DropsStaleCredential(UpstreamChannel channel, RelayError error)
    {
        if (!ErnieErrors.IsStaleToken(error))
        {
            return false;
        }
        tokens.Drop(BaseUrl(channel), channel.Key);
        return true;
    }

    private static string BaseUrl(UpstreamChannel channel) => ChannelTypes.BaseUrlOf(channel).TrimEnd('/');
}
