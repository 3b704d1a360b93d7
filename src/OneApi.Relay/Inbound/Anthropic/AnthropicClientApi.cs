using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using OneApi.Relay.Abstractions;
using OneApi.Relay.Adaptors.Anthropic;
using OneApi.Relay.OpenAI;

namespace OneApi.Relay.Inbound.Anthropic;

/// <summary>
/// Anthropic's Messages API as a client speaks it on <c>/v1/messages</c>. Channels whose upstream speaks Messages
/// (<see cref="IAnthropicMessagesAdaptor"/>) get the client's body as it is, with the channel's model; every other
/// channel gets it converted to OpenAI chat, and its answer converted back. Either way the bill is the same.
/// </summary>
public sealed class AnthropicClientApi(IReadOnlyList<string>? betas = null) : IClientApi
{
    public static readonly AnthropicClientApi Instance = new();

    /// <summary>The client's <c>anthropic-beta</c> values, for Claude channels.</summary>
    public IReadOnlyList<string> Betas { get; } = betas ?? [];

    public bool EndsStreamWithDone => false;

    public (RelayRequest? Request, RelayError? Error) ReadRequest(RelayMode mode, JsonBody json, string model,
        IReadOnlyDictionary<string, string> query)
    {
        var body = json.ToTree();
        if (body["messages"] is not JsonArray)
        {
            return (null, RelayError.InvalidRequest("messages: Field required", "invalid_request_error"));
        }
        var openAI = FromAnthropicRequest.Convert(body);
        return (new RelayRequest(RelayMode.ChatCompletions, openAI, JsonWire.Serialize(openAI), model) { Query = query, ClientBody = body }, null);
    }

    public IChannelAdaptor Adapt(IChannelAdaptor adaptor, RelayRequest request) => adaptor is IAnthropicMessagesAdaptor native
        ? new PassThrough(adaptor, native, Betas)
        : new Converting(adaptor);

    /// <summary>Claude's error body, <c>{"type":"error","error":{"type","message"}}</c>, which Anthropic's SDKs read.</summary>
    public byte[] SerializeError(RelayError error, string requestId)
    {
        var message = string.IsNullOrEmpty(requestId) ? error.Message : $"{error.Message} (request id: {requestId})";
        return JsonWire.Serialize(new JsonObject
        {
            ["type"] = "error",
            ["error"] = new JsonObject { ["type"] = ErrorType(error), ["message"] = message },
        });
    }

    /// <summary>The upstream's own type when it is one of Claude's, else Claude's type for the status.</summary>
    public static string ErrorType(RelayError error) =>
        AnthropicErrors.StatusOf(error.Type) != 500 || error.Type == "api_error" ? error.Type : AnthropicErrors.TypeOf(error.StatusCode);

    /// <summary>A Claude channel: the client's Messages body goes upstream, the upstream's events come back as they are.</summary>
    private sealed class PassThrough(IChannelAdaptor inner, IAnthropicMessagesAdaptor native, IReadOnlyList<string> betas) : DelegatingAdaptor(inner)
    {
        public override ValueTask<HttpRequestMessage> BuildRequestAsync(RelayRequest request, UpstreamChannel channel, CancellationToken cancellationToken)
        {
            var body = (JsonObject)request.ClientBody!.DeepClone();
            body["model"] = request.Model;
            // A channel system prompt replaced the OpenAI form's system message: it replaces Claude's system too.
            if (ChannelSystemPrompt.Replacing(request, FromAnthropicRequest.SystemText(request.ClientBody)) is { } system)
            {
                body["system"] = system;
            }
            return native.BuildMessagesRequestAsync(body, request.IsStream, betas, channel, cancellationToken);
        }

        public override async Task<UpstreamAnswer> ReadAnswerAsync(HttpResponseMessage response, RelayRequest request, CancellationToken cancellationToken)
        {
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            if (JsonWire.Parse(body) is not { } message)
            {
                return new UpstreamAnswer(body, null, "", RelayError.UpstreamMalformed("the answer is not a JSON object"));
            }
            if (JsonWire.String(message["type"]) == "error")
            {
                return new UpstreamAnswer(body, null, "", AnthropicErrors.FromEvent(message));
            }
            var text = string.Concat((message["content"] as JsonArray)?.OfType<JsonObject>()
                .Where(b => JsonWire.String(b["type"]) == "text").Select(b => JsonWire.String(b["text"])) ?? []);
            var usage = AnthropicUsage.Read(message["usage"]);
            return new UpstreamAnswer(body, usage.PromptTokens + usage.OutputTokens > 0 ? usage.ToUsage() : null, text);
        }

        public override async IAsyncEnumerable<StreamFrame> ReadStreamAsync(Stream upstream, RelayRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            AnthropicUsage usage = default;
            await foreach (var data in native.ReadMessagesEventsAsync(upstream, cancellationToken).ConfigureAwait(false))
            {
                if (JsonWire.Parse(data.Span) is not { } evt)
                {
                    continue;
                }
                var type = JsonWire.String(evt["type"]);
                switch (type)
                {
                    case "message_start":
                        usage = AnthropicUsage.Read((evt["message"] as JsonObject)?["usage"]);
                        yield return new StreamFrame(data, Event: type);
                        break;
                    case "content_block_delta":
                        var delta = evt["delta"] as JsonObject;
                        var text = JsonWire.String(delta?["text"]) ?? JsonWire.String(delta?["partial_json"]);
                        yield return new StreamFrame(data, Text: text, Event: type);
                        break;
                    case "message_delta":
                        usage = usage.Merge(AnthropicUsage.Read(evt["usage"]));
                        yield return new StreamFrame(data, usage.ToUsage(), Event: type);
                        break;
                    case "error":
                        yield return new StreamFrame(data, Error: AnthropicErrors.FromEvent(evt), Event: type);
                        yield break;
                    default:
                        yield return new StreamFrame(data, Event: type);
                        if (type == "message_stop")
                        {
                            yield break;
                        }
                        break;
                }
            }
        }
    }

    /// <summary>Any other channel: OpenAI answers and chunks become Claude's message and events.</summary>
    private sealed class Converting(IChannelAdaptor inner) : DelegatingAdaptor(inner)
    {
        public override async Task<UpstreamAnswer> ReadAnswerAsync(HttpResponseMessage response, RelayRequest request, CancellationToken cancellationToken)
        {
            var answer = await Inner.ReadAnswerAsync(response, request, cancellationToken).ConfigureAwait(false);
            return answer.Error is null ? answer with { Body = ToAnthropicAnswer.Convert(answer.Body.Span, request.OriginModel) } : answer;
        }

        public override IAsyncEnumerable<StreamFrame> ReadStreamAsync(Stream upstream, RelayRequest request, CancellationToken cancellationToken) =>
            new ToAnthropicStream(request.OriginModel).TranslateAsync(Inner.ReadStreamAsync(upstream, request, cancellationToken), cancellationToken);
    }
}
