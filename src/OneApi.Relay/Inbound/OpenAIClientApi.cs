using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using OneApi.Relay.Abstractions;
using OneApi.Relay.OpenAI;

namespace OneApi.Relay.Inbound;

/// <summary>OpenAI's API, which the relay speaks itself; only the reasoning field is the client's choice.</summary>
public sealed class OpenAIClientApi : IClientApi
{
    public static readonly OpenAIClientApi Instance = new();

    public (RelayRequest? Request, RelayError? Error) ReadRequest(RelayMode mode, JsonBody body, string model,
        IReadOnlyDictionary<string, string> query) =>
        (new RelayRequest(mode, body, model) { Query = query }, null);

    /// <summary>
    /// With <c>?reasoning_format</c>, every answer and chunk gives reasoning in the requested field, whichever the
    /// channel. one-api applied it only to converted answers and forwarded OpenAI-compatible streams unchanged.
    /// </summary>
    public IChannelAdaptor Adapt(IChannelAdaptor adaptor, RelayRequest request)
    {
        if (request.Mode == RelayMode.ChatCompletions && ReasoningFormat.Requested(request) is { } format)
        {
            adaptor = new ReasoningFormatAdaptor(adaptor, format);
        }
        return request.IsStream && !request.ClientWantsStreamUsage ? new UnaskedUsageFilter(adaptor) : adaptor;
    }

    public byte[] SerializeError(RelayError error, string requestId) => OpenAIError.Serialize(error, requestId);

    public bool EndsStreamWithDone => true;

    /// <summary>
    /// The usage-only chunk (empty <c>choices</c>) that the gateway asked the upstream for on its own account is billed
    /// but not sent: OpenAI's schema has it only for clients that set <c>stream_options.include_usage</c>, and clients
    /// that index <c>choices[0]</c> of every chunk break on it.
    /// </summary>
    private sealed class UnaskedUsageFilter(IChannelAdaptor inner) : DelegatingAdaptor(inner)
    {
        public override async IAsyncEnumerable<StreamFrame> ReadStreamAsync(Stream upstream, RelayRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            await foreach (var frame in Inner.ReadStreamAsync(upstream, request, cancellationToken).ConfigureAwait(false))
            {
                yield return frame.Usage is not null && frame.Error is null && OpenAIChunk.IsUsageOnly(frame.Data.Span)
                    ? frame with { Data = ReadOnlyMemory<byte>.Empty }
                    : frame;
            }
        }
    }

    private sealed class ReasoningFormatAdaptor(IChannelAdaptor inner, ReasoningFormat format) : DelegatingAdaptor(inner)
    {
        public override async Task<UpstreamAnswer> ReadAnswerAsync(HttpResponseMessage response, RelayRequest request, CancellationToken cancellationToken)
        {
            var answer = await Inner.ReadAnswerAsync(response, request, cancellationToken).ConfigureAwait(false);
            return answer.Error is null ? answer with { Body = format.Rewrite(answer.Body) } : answer;
        }

        public override async IAsyncEnumerable<StreamFrame> ReadStreamAsync(Stream upstream, RelayRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            await foreach (var frame in Inner.ReadStreamAsync(upstream, request, cancellationToken).ConfigureAwait(false))
            {
                yield return frame.Data.IsEmpty || frame.Error is not null ? frame : frame with { Data = format.Rewrite(frame.Data) };
            }
        }
    }
}
