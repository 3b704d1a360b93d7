using System.Text.Json.Nodes;

namespace OneApi.Relay.Abstractions;

/// <summary>
/// Capability of adaptors whose upstream speaks Anthropic's Messages API (Anthropic, Bedrock and Vertex AI Claude):
/// a <c>/v1/messages</c> request passes through to them without a round trip through OpenAI's format.
/// </summary>
public interface IAnthropicMessagesAdaptor
{
    /// <summary>
    /// The upstream request for a body already in Messages format (the client's, with the channel's model), with the
    /// client's <c>anthropic-beta</c> values, which each host passes its own way (a header, or Bedrock's body field).
    /// </summary>
    ValueTask<HttpRequestMessage> BuildMessagesRequestAsync(JsonObject messagesBody, bool stream, IReadOnlyList<string> betas, UpstreamChannel channel,
        CancellationToken cancellationToken);

    /// <summary>
    /// The Messages stream events as their JSON payloads, unwrapped from the host's framing (SSE for Anthropic and
    /// Vertex AI, the binary event stream for Bedrock). A non-stream answer is the Messages JSON itself.
    /// </summary>
    IAsyncEnumerable<ReadOnlyMemory<byte>> ReadMessagesEventsAsync(Stream upstream, CancellationToken cancellationToken);
}
