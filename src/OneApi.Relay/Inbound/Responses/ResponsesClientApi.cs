using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json.Nodes;
using OneApi.Relay.Abstractions;
using OneApi.Relay.Adaptors;
using OneApi.Relay.Catalog;
using OneApi.Relay.OpenAI;

namespace OneApi.Relay.Inbound.Responses;

/// <summary>
/// OpenAI's Responses API as a client speaks it on <c>/v1/responses</c>. OpenAI and Azure channels get the client's
/// body as it is, with the channel's model, and their answers and events come back as they are; every other channel gets it
/// converted to chat, and its answer converted back. Either way it is billed as chat is.
/// </summary>
public sealed class ResponsesClientApi : IClientApi
{
    public static readonly ResponsesClientApi Instance = new();

    /// <summary>Responses streams just end: no <c>[DONE]</c> marker.</summary>
    public bool EndsStreamWithDone => false;

    public (RelayRequest? Request, RelayError? Error) ReadRequest(RelayMode mode, JsonBody json, string model,
        IReadOnlyDictionary<string, string> query)
    {
        var body = json.ToTree();
        // Checked on the client's own field names, so the error names max_output_tokens as the client wrote it.
        if (BillingFields.Validate(body, RelayMode.ChatCompletions) is { } invalid)
        {
            return (null, invalid);
        }
        var (chat, error) = FromResponsesRequest.Convert(body);
        return chat is null
            ? (null, error)
            : (new RelayRequest(RelayMode.ChatCompletions, chat, JsonWire.Serialize(chat), model) { Query = query, ClientBody = body }, null);
    }

    public IChannelAdaptor Adapt(IChannelAdaptor adaptor, RelayRequest request) => new Converting(adaptor);

    /// <summary>Only OpenAI and Azure OpenAI are sure to serve <c>/v1/responses</c>; OpenAI-compatible providers mostly lack it.</summary>
    public IChannelAdaptor Adapt(IChannelAdaptor adaptor, RelayRequest request, UpstreamChannel channel) =>
        channel.Type is ChannelTypes.OpenAI or ChannelTypes.Azure && adaptor is HostedAdaptor { Format.Kind: WireFormatKind.OpenAI } hosted
            ? new PassThrough(hosted)
            : new Converting(adaptor);

    public byte[] SerializeError(RelayError error, string requestId) => OpenAIError.Serialize(error, requestId);

    /// <summary>Usage in the Responses API's names (<c>input_tokens</c>, <c>output_tokens</c>), when present.</summary>
    private static Usage? ReadUsage(JsonNode? usage) => usage is JsonObject counts
        ? Usage.Of(JsonWire.Int(counts["input_tokens"]) ?? 0, JsonWire.Int(counts["output_tokens"]) ?? 0)
        : null;

    /// <summary>An OpenAI or Azure channel: the client's body goes to its Responses path, the answer comes back as it is.</summary>
    private sealed class PassThrough(HostedAdaptor hosted) : DelegatingAdaptor(hosted)
    {
        public override ValueTask<HttpRequestMessage> BuildRequestAsync(RelayRequest request, UpstreamChannel channel, CancellationToken cancellationToken)
        {
            var body = (JsonObject)request.ClientBody!.DeepClone();
            body["model"] = request.Model;
            if (ChannelSystemPrompt.Replacing(request, JsonWire.String(body["instructions"])) is { } system)
            {
                body["instructions"] = system;
            }
            var payload = new UpstreamPayload(WireFormatKind.OpenAI, request.Mode, request.Model, request.IsStream) { Json = body, Path = "/v1/responses" };
            return hosted.Host.BuildAsync(payload, channel, cancellationToken);
        }

        public override async Task<UpstreamAnswer> ReadAnswerAsync(HttpResponseMessage response, RelayRequest request, CancellationToken cancellationToken)
        {
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            if (JsonWire.Parse(body) is not { } answer)
            {
                return new UpstreamAnswer(body, null, "", RelayError.UpstreamMalformed("the answer is not a JSON object"));
            }
            return new UpstreamAnswer(body, ReadUsage(answer["usage"]), OutputText(answer["output"] as JsonArray));
        }

        /// <summary>Text, reasoning summaries and call arguments: what the gateway counts when no usage came.</summary>
        private static string OutputText(JsonArray? output)
        {
            var text = new StringBuilder();
            foreach (var item in output?.OfType<JsonObject>() ?? [])
            {
                text.Append(JsonWire.String(item["arguments"]));
                foreach (var part in ((item["content"] ?? item["summary"]) as JsonArray)?.OfType<JsonObject>() ?? [])
                {
                    text.Append(JsonWire.String(part["text"]));
                }
            }
            return text.ToString();
        }

        public override async IAsyncEnumerable<StreamFrame> ReadStreamAsync(Stream upstream, RelayRequest request,
            [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            await foreach (var data in hosted.Host.ReadEventsAsync(upstream, cancellationToken).ConfigureAwait(false))
            {
                if (JsonWire.Parse(data.Span) is not { } evt)
                {
                    continue;
                }
                var type = JsonWire.String(evt["type"]);
                switch (type)
                {
                    case "response.completed" or "response.incomplete" or "response.failed":
                        yield return new StreamFrame(data, ReadUsage((evt["response"] as JsonObject)?["usage"]), Event: type);
                        yield break;
                    case "error":
                        yield return new StreamFrame(data, Error: OpenAIError.Parse(500, JsonWire.Serialize(new JsonObject { ["error"] = evt.DeepClone() })), Event: type);
                        yield break;
                    case "response.output_text.delta" or "response.function_call_arguments.delta" or "response.reasoning_summary_text.delta":
                        yield return new StreamFrame(data, Text: JsonWire.String(evt["delta"]), Event: type);
                        break;
                    default:
                        yield return new StreamFrame(data, Event: type);
                        break;
                }
            }
        }
    }

    /// <summary>Any other channel: chat answers and chunks become a response object and Responses events.</summary>
    private sealed class Converting(IChannelAdaptor inner) : DelegatingAdaptor(inner)
    {
        /// <summary>Fields that need OpenAI's stored conversations; no other channel has them, and the gateway keeps none.</summary>
        private static readonly string[] Stateful = ["previous_response_id", "conversation"];

        public override ValueTask<HttpRequestMessage> BuildRequestAsync(RelayRequest request, UpstreamChannel channel, CancellationToken cancellationToken)
        {
            var body = request.ClientBody!;
            if (Stateful.FirstOrDefault(f => body[f] is JsonValue or JsonObject) is { } field)
            {
                throw Refused($"{field} needs a response stored by OpenAI: this model is served by a channel that is not OpenAI, and the gateway stores no responses; send the whole conversation in input instead");
            }
            if (JsonWire.Bool(body["store"]) == true)
            {
                throw Refused("store: true is served only by OpenAI channels (the gateway stores no responses); send store: false or leave it out");
            }
            return Inner.BuildRequestAsync(request, channel, cancellationToken);
        }

        private static RelayErrorException Refused(string message) =>
            new(RelayError.InvalidRequest(message, "unsupported_parameter"));

        public override async Task<UpstreamAnswer> ReadAnswerAsync(HttpResponseMessage response, RelayRequest request, CancellationToken cancellationToken)
        {
            var answer = await Inner.ReadAnswerAsync(response, request, cancellationToken).ConfigureAwait(false);
            return answer.Error is null ? answer with { Body = ToResponsesAnswer.Convert(answer.Body.Span, request.ClientBody!, request.OriginModel) } : answer;
        }

        public override IAsyncEnumerable<StreamFrame> ReadStreamAsync(Stream upstream, RelayRequest request, CancellationToken cancellationToken) =>
            new ToResponsesStream(request.ClientBody!, request.OriginModel).TranslateAsync(Inner.ReadStreamAsync(upstream, request, cancellationToken), cancellationToken);
    }
}
