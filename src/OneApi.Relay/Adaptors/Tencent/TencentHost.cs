using System.Net.Http.Headers;
using OneApi.Relay.Abstractions;
using OneApi.Relay.Catalog;
using OneApi.Relay.OpenAI;
using OneApi.Relay.Streaming;

namespace OneApi.Relay.Adaptors.Tencent;

/// <summary>
/// Tencent Hunyuan (channel type 23) through Tencent Cloud API 3.0 (https://cloud.tencent.com/document/api/1729/105701):
/// a POST to the base URL's root with the <c>ChatCompletions</c> action (<c>GetEmbedding</c> for embeddings), version
/// 2023-09-01, and a TC3 signature made from the <c>AppId|SecretId|SecretKey</c> key as one-api splits it. The channel
/// config's region, when set, goes as <c>X-TC-Region</c> (Hunyuan needs none). Errors come back with a 200, even to a stream request.
/// </summary>
public sealed class TencentHost(TimeProvider? time = null) : IUpstreamHost
{
    private const string Service = "hunyuan";
    private const string Version = "2023-09-01";
    private const string ContentType = "application/json";

    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public HostKind Kind => HostKind.Tencent;

    public ValueTask<HttpRequestMessage> BuildAsync(UpstreamPayload payload, UpstreamChannel channel, CancellationToken cancellationToken)
    {
        if (channel.Key.Split('|') is not [_, { Length: > 0 } secretId, { Length: > 0 } secretKey])
        {
            throw new RelayErrorException(new RelayError(RelayErrorKind.UpstreamStatus, 401,
                "the Tencent channel's key must be AppId|SecretId|SecretKey", "tencent_error", "invalid_api_key"));
        }
        var address = new Uri(ChannelTypes.BaseUrlOf(channel).TrimEnd('/') + "/");
        var body = JsonWire.Serialize(payload.Json!);
        var timestamp = _time.GetUtcNow().ToUnixTimeSeconds();
        var action = payload.Mode == RelayMode.Embeddings ? "GetEmbedding" : "ChatCompletions";
        var authorization = TencentSignature.Authorization(secretId, secretKey, Service, timestamp,
            [("Content-Type", ContentType), ("Host", address.Authority), ("X-TC-Action", action)], body);
        var message = new HttpRequestMessage(HttpMethod.Post, address)
        {
            Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue(ContentType) } },
        };
        message.Headers.TryAddWithoutValidation("Authorization", authorization);
        message.Headers.Add("X-TC-Action", action);
        message.Headers.Add("X-TC-Version", Version);
        message.Headers.Add("X-TC-Timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (channel.Config.Region.Length > 0)
        {
            message.Headers.Add("X-TC-Region", channel.Config.Region);
        }
        return ValueTask.FromResult(message);
    }

    public IAsyncEnumerable<ReadOnlyMemory<byte>> ReadEventsAsync(Stream upstream, CancellationToken cancellationToken) =>
        SseReader.DataOrJsonAsync(upstream, cancellationToken);
}
