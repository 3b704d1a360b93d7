using OneApi.Relay.Abstractions;
using OneApi.Relay.Adaptors.OpenAI;
using OneApi.Relay.Catalog;

namespace OneApi.Relay.Adaptors.AIProxy;

/// <summary>AI Proxy's library API: <c>{base}/api/library/ask</c>, a Bearer key, the library from the channel config's <c>library_id</c>.</summary>
public sealed class AIProxyLibraryHost : IUpstreamHost
{
    public HostKind Kind => HostKind.AIProxyLibrary;

    public ValueTask<HttpRequestMessage> BuildAsync(UpstreamPayload payload, UpstreamChannel channel, CancellationToken cancellationToken)
    {
        var body = payload.Json!.DeepClone().AsObject();
        body["libraryId"] = channel.Config.LibraryId;
        return ValueTask.FromResult(BearerHost.Post(ChannelTypes.BaseUrlOf(channel).TrimEnd('/') + "/api/library/ask", payload with { Json = body }, channel.Key));
    }
}
