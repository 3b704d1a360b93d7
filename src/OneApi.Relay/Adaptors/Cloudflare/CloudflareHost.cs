using OneApi.Relay.Abstractions;
using OneApi.Relay.Adaptors.OpenAI;
using OneApi.Relay.Catalog;

namespace OneApi.Relay.Adaptors.Cloudflare;

/// <summary>
/// Cloudflare Workers AI (channel type 37) through its OpenAI-compatible endpoints
/// (https://developers.cloudflare.com/workers-ai/configuration/open-ai-compatibility/):
/// <c>{base}/client/v4/accounts/{account id}/ai/v1/…</c> with the account id in the channel config's <c>user_id</c>,
/// as one-api stores it, or <c>{gateway}/v1/…</c> when the base URL is an AI Gateway's <c>…/workers-ai</c> URL
/// (a gateway carries its account in its URL). Chat and embeddings only, as in one-api.
/// </summary>
public sealed class CloudflareHost : IUpstreamHost
{
    public HostKind Kind => HostKind.Cloudflare;

    public bool Serves(WireFormatKind format, RelayMode mode) => mode is RelayMode.ChatCompletions or RelayMode.Embeddings;

    public ValueTask<HttpRequestMessage> BuildAsync(UpstreamPayload payload, UpstreamChannel channel, CancellationToken cancellationToken) =>
        ValueTask.FromResult(BearerHost.Post(Url(channel, payload.Mode), payload, channel.Key));

    public static string Url(UpstreamChannel channel, RelayMode mode)
    {
        var baseUrl = ChannelTypes.BaseUrlOf(channel).TrimEnd('/');
        var isGateway = baseUrl.StartsWith("https://gateway.ai.cloudflare.com", StringComparison.OrdinalIgnoreCase) &&
            baseUrl.EndsWith("/workers-ai", StringComparison.Ordinal);
        var prefix = isGateway ? baseUrl : $"{baseUrl}/client/v4/accounts/{Uri.EscapeDataString(channel.Config.UserId)}/ai";
        return prefix + mode.Path();
    }
}
