using OneApi.Relay.Abstractions;
using OneApi.Relay.Adaptors.OpenAI;
using OneApi.Relay.Catalog;

namespace OneApi.Relay.Adaptors.Coze;

/// <summary>
/// Coze's API (channel type 34): <c>{base}/v3/chat</c> with a personal access token as the Bearer key. The channel
/// config's <c>user_id</c>, when set, is the Coze user every call is made as (one-api's use of it).
/// </summary>
public sealed class CozeHost : IUpstreamHost
{
    public HostKind Kind => HostKind.Coze;

    public ValueTask<HttpRequestMessage> BuildAsync(UpstreamPayload payload, UpstreamChannel channel, CancellationToken cancellationToken)
    {
        if (channel.Config.UserId.Length > 0)
        {
            payload = payload with { Json = payload.Json!.DeepClone().AsObject() };
            payload.Json!["user_id"] = channel.Config.UserId;
        }
        return ValueTask.FromResult(BearerHost.Post(ChannelTypes.BaseUrlOf(channel).TrimEnd('/') + "/v3/chat", payload, channel.Key));
    }

    public IAsyncEnumerable<ReadOnlyMemory<byte>> ReadEventsAsync(Stream upstream, CancellationToken cancellationToken) =>
        CozeEvents.ReadAsync(upstream, cancellationToken);
}
