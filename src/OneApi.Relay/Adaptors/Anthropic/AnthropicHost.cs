using System.Net.Http.Headers;
using OneApi.Relay.Abstractions;
using OneApi.Relay.Catalog;

namespace OneApi.Relay.Adaptors.Anthropic;

/// <summary>
/// Anthropic's own API (channel type 14): <c>{base}/v1/messages</c>, authenticated with <c>x-api-key</c> and
/// <c>anthropic-version: 2023-06-01</c> (https://docs.anthropic.com/en/api/versioning).
/// </summary>
public sealed class AnthropicHost : IUpstreamHost
{
    public const string ApiVersion = "2023-06-01";

    public HostKind Kind => HostKind.Anthropic;

    public bool FetchesImageUrls => true;

    public ValueTask<HttpRequestMessage> BuildAsync(UpstreamPayload payload, UpstreamChannel channel, CancellationToken cancellationToken)
    {
        var message = new HttpRequestMessage(HttpMethod.Post, MessagesUrl(channel)) { Content = payload.ToContent() };
        message.Headers.Add("x-api-key", channel.Key);
        message.Headers.Add("anthropic-version", ApiVersion);
        if (payload.Betas.Count > 0)
        {
            message.Headers.Add("anthropic-beta", string.Join(",", payload.Betas));
        }
        if (payload.Stream)
        {
            message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        }
        return ValueTask.FromResult(message);
    }

    private static string MessagesUrl(UpstreamChannel channel)
    {
        var baseUrl = ChannelTypes.BaseUrlOf(channel).TrimEnd('/');
        return baseUrl.EndsWith("/v1", StringComparison.Ordinal) ? baseUrl + "/messages" : baseUrl + "/v1/messages";
    }
}
