using System.Text.Json.Nodes;
using OneApi.Relay.Abstractions;

namespace OneApi.Relay.Inbound;

/// <summary>
/// The API a client speaks to the gateway. The relay itself works in OpenAI's chat format: a client API reads its
/// requests into that form and presents each adaptor's answers, stream frames and errors back in its own.
/// </summary>
public interface IClientApi
{
    /// <summary>The request the relay routes, prices and converts, or the error the client gets for its body.</summary>
    (RelayRequest? Request, RelayError? Error) ReadRequest(RelayMode mode, JsonBody body, string model,
        IReadOnlyDictionary<string, string> query);

    /// <summary>The adaptor as this client sees it: answers and stream frames in the client's format.</summary>
    IChannelAdaptor Adapt(IChannelAdaptor adaptor, RelayRequest request);

    /// <summary>The adaptor as this client sees it on <paramref name="channel"/>, for APIs only some channel types serve natively.</summary>
    IChannelAdaptor Adapt(IChannelAdaptor adaptor, RelayRequest request, UpstreamChannel channel) => Adapt(adaptor, request);

    /// <summary>An error body in the client's format.</summary>
    byte[] SerializeError(RelayError error, string requestId);

    /// <summary>Whether a stream ends with <c>data: [DONE]</c> (OpenAI's) or just ends (Anthropic's).</summary>
    bool EndsStreamWithDone { get; }

    /// <summary>
    /// Whether streams go out as one JSON array of events (Gemini's <c>streamGenerateContent</c> without
    /// <c>alt=sse</c>) rather than as server-sent events.
    /// </summary>
    bool StreamsJsonArray => false;
}
