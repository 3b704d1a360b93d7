using System.Text.Json.Nodes;
using OneApi.Relay.Abstractions;
using OneApi.Relay.Catalog;
using OneApi.Relay.Streaming;
using OneApi.Relay.Transport;

namespace OneApi.Relay.Adaptors.Xunfei;

/// <summary>
/// Xunfei Spark (channel type 18) over its WebSocket API: the key is <c>APPID|APISecret|APIKey</c> as one-api splits
/// it; the model (or the channel's <c>api_version</c>) picks the path and <c>domain</c>; the URL is signed
/// (<see cref="SparkSignature"/>) and the request frame is sent once the socket opens, through
/// <see cref="WebSocketBridge"/>, whose answer holds one frame per line. A base URL, when the channel has one, lets an
/// operator point it at a relay; its http(s) scheme stands for ws(s).
/// </summary>
public sealed class SparkHost(TimeProvider? time = null) : IUpstreamHost
{
    /// <summary>Xunfei's address; the catalogue leaves type 18's base URL empty, as one-api does.</summary>
    private const string SparkApi = "https://spark-api.xf-yun.com";

    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public HostKind Kind => HostKind.Xunfei;

    public ValueTask<HttpRequestMessage> BuildAsync(UpstreamPayload payload, UpstreamChannel channel, CancellationToken cancellationToken)
    {
        if (channel.Key.Split('|') is not [{ Length: > 0 } appId, { Length: > 0 } apiSecret, { Length: > 0 } apiKey])
        {
            throw new RelayErrorException(new RelayError(RelayErrorKind.UpstreamStatus, 401,
                "the Xunfei channel's key must be APPID|APISecret|APIKey", "xunfei_error", "invalid_api_key"));
        }
        var version = SparkVersion.For(payload.Model, channel.Config.ApiVersion);
        var frame = payload.Json!.DeepClone().AsObject();
        frame["header"] = new JsonObject { ["app_id"] = appId };
        ((JsonObject)frame["parameter"]!["chat"]!).Insert(0, "domain", version.Domain);
        if (!version.TakesFunctions)
        {
            ((JsonObject)frame["payload"]!).Remove("functions");
        }
        var baseUrl = ChannelTypes.BaseUrlOf(channel) is { Length: > 0 } own ? own : SparkApi;
        var address = new Uri(baseUrl.TrimEnd('/') + version.Path);
        var message = new HttpRequestMessage(HttpMethod.Get, SparkSignature.Sign(address, apiKey, apiSecret, _time.GetUtcNow()))
        {
            Content = UpstreamPayload.JsonContent(frame),
        };
        WebSocketBridge.Mark(message);
        return ValueTask.FromResult(message);
    }

    public IAsyncEnumerable<ReadOnlyMemory<byte>> ReadEventsAsync(Stream upstream, CancellationToken cancellationToken) =>
        NdjsonReader.LinesAsync(upstream, cancellationToken);
}
