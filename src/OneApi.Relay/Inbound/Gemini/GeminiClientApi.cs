using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json.Nodes;
using OneApi.Relay.Abstractions;
using OneApi.Relay.Adaptors;
using OneApi.Relay.Adaptors.Gemini;
using OneApi.Relay.OpenAI;

namespace OneApi.Relay.Inbound.Gemini;

/// <summary>The Gemini API methods a client calls on <c>/v1beta/models/{model}:{method}</c>.</summary>
public enum GeminiMethod
{
    GenerateContent,
    StreamGenerateContent,
    EmbedContent,
    BatchEmbedContents,
}

/// <summary>
/// Google's Gemini API as a client speaks it on <c>/v1beta/models/{model}:{method}</c>. Channels whose upstream speaks
/// Gemini (Google AI Studio, Gemini models on Vertex AI) get the client's body as it is, with the channel's model in
/// the URL; every other channel gets it converted to OpenAI chat or embeddings, and its answer converted back. Either
/// way it is billed as chat and embeddings are.
/// </summary>
public sealed class GeminiClientApi : IClientApi
{
    private static readonly Dictionary<GeminiMethod, GeminiClientApi> Instances =
        Enum.GetValues<GeminiMethod>().ToDictionary(m => m, m => new GeminiClientApi(m, streamsJsonArray: false));

    private static readonly GeminiClientApi JsonArrayStream = new(GeminiMethod.StreamGenerateContent, streamsJsonArray: true);

    private GeminiClientApi(GeminiMethod method, bool streamsJsonArray) => (Method, StreamsJsonArray) = (method, streamsJsonArray);

    public static GeminiClientApi For(GeminiMethod method) => Instances[method];

    /// <summary>
    /// The API for a call with the URL's <c>alt</c>: without <c>alt=sse</c>, Google answers
    /// <c>streamGenerateContent</c> with one JSON array of responses, and so does the gateway.
    /// </summary>
    public static GeminiClientApi For(GeminiMethod method, string? alt) =>
        method == GeminiMethod.StreamGenerateContent && alt != "sse" ? JsonArrayStream : Instances[method];

    /// <summary>For errors written before a method is known (authentication, unknown routes).</summary>
    public static GeminiClientApi Instance => Instances[GeminiMethod.GenerateContent];

    public GeminiMethod Method { get; }

    public bool StreamsJsonArray { get; }

    public RelayMode Mode => Method is GeminiMethod.EmbedContent or GeminiMethod.BatchEmbedContents ? RelayMode.Embeddings : RelayMode.ChatCompletions;

    /// <summary>Gemini's streams just end.</summary>
    public bool EndsStreamWithDone => false;

    public (RelayRequest? Request, RelayError? Error) ReadRequest(RelayMode mode, JsonBody json, string model,
        IReadOnlyDictionary<string, string> query)
    {
        var body = json.ToTree();
        if (Mode == RelayMode.Embeddings)
        {
            var batch = Method == GeminiMethod.BatchEmbedContents;
            if (batch ? FromGeminiRequest.Field(body, "requests") is not JsonArray { Count: > 0 } : FromGeminiRequest.Field(body, "content") is not JsonObject)
            {
                return (null, Invalid(batch ? "* BatchEmbedContentsRequest.requests: requests is not specified" : "* EmbedContentRequest.content: content is not specified"));
            }
            return Request(FromGeminiRequest.Embeddings(body, model), body, model, query);
        }
        if (FromGeminiRequest.Field(body, "contents") is not JsonArray { Count: > 0 })
        {
            return (null, Invalid("* GenerateContentRequest.contents: contents is not specified"));
        }
        // Checked on the client's own field names, so the error names maxOutputTokens as the client wrote it.
        if (FromGeminiRequest.Field(body, "generationConfig") is JsonObject config && BillingFields.Validate(Camel(config), "maxOutputTokens", "candidateCount") is { } invalid)
        {
            return (null, invalid);
        }
        return Request(FromGeminiRequest.Convert(body, model, Method == GeminiMethod.StreamGenerateContent), body, model, query);
    }

    /// <summary>The generation config's billing fields under their camelCase names, as Google documents them.</summary>
    private static JsonObject Camel(JsonObject config) => new()
    {
        ["maxOutputTokens"] = FromGeminiRequest.Field(config, "maxOutputTokens")?.DeepClone(),
        ["candidateCount"] = FromGeminiRequest.Field(config, "candidateCount")?.DeepClone(),
    };

    private (RelayRequest?, RelayError?) Request(JsonObject openAI, JsonObject body, string model, IReadOnlyDictionary<string, string> query) =>
        (new RelayRequest(Mode, openAI, JsonWire.Serialize(openAI), model) { Query = query, ClientBody = body }, null);

    private static RelayError Invalid(string message) => RelayError.InvalidRequest(message, "INVALID_ARGUMENT");

    public IChannelAdaptor Adapt(IChannelAdaptor adaptor, RelayRequest request) => new Converting(adaptor, Method);

    public IChannelAdaptor Adapt(IChannelAdaptor adaptor, RelayRequest request, UpstreamChannel channel) =>
        adaptor is HostedAdaptor { Format.Kind: WireFormatKind.Gemini } hosted ? new PassThrough(hosted, Method) : new Converting(adaptor, Method);

    public byte[] SerializeError(RelayError error, string requestId) => JsonWire.Serialize(ErrorBody(error, requestId));

    /// <summary>Google's error body, <c>{"error":{"code","message","status"}}</c> (https://ai.google.dev/gemini-api/docs/troubleshooting).</summary>
    public static JsonObject ErrorBody(RelayError error, string requestId)
    {
        var message = string.IsNullOrEmpty(requestId) ? error.Message : $"{error.Message} (request id: {requestId})";
        return new JsonObject
        {
            ["error"] = new JsonObject { ["code"] = error.StatusCode, ["message"] = message, ["status"] = Status(error.StatusCode) },
        };
    }

    /// <summary>The canonical gRPC status Google names for an HTTP status (https://cloud.google.com/apis/design/errors#handling_errors).</summary>
    public static string Status(int statusCode) => statusCode switch
    {
        401 => "UNAUTHENTICATED",
        403 => "PERMISSION_DENIED",
        404 => "NOT_FOUND",
        405 or 501 => "UNIMPLEMENTED",
        409 => "ABORTED",
        429 => "RESOURCE_EXHAUSTED",
        499 => "CANCELLED",
        503 => "UNAVAILABLE",
        504 => "DEADLINE_EXCEEDED",
        >= 500 => "INTERNAL",
        _ => "INVALID_ARGUMENT",
    };

    /// <summary>A Gemini channel: the client's body goes to the model's method, the answer and events come back as they are.</summary>
    private sealed class PassThrough(HostedAdaptor hosted, GeminiMethod method) : DelegatingAdaptor(hosted)
    {
        public override ValueTask<HttpRequestMessage> BuildRequestAsync(RelayRequest request, UpstreamChannel channel, CancellationToken cancellationToken)
        {
            var client = request.ClientBody!;
            var body = request.Mode == RelayMode.Embeddings ? BatchOf(client, request.Model) : (JsonObject)client.DeepClone();
            if (request.Mode == RelayMode.ChatCompletions && ChannelSystemPrompt.Replacing(request, FromGeminiRequest.SystemText(client)) is { } system)
            {
                body.Remove("system_instruction");
                body["systemInstruction"] = new JsonObject { ["parts"] = new JsonArray(new JsonObject { ["text"] = system }) };
            }
            var payload = new UpstreamPayload(WireFormatKind.Gemini, request.Mode, request.Model, request.IsStream) { Json = body };
            return hosted.Host.BuildAsync(payload, channel, cancellationToken);
        }

        /// <summary>
        /// Hosts send embeddings to <c>batchEmbedContents</c>: an <c>embedContent</c> body is its one request, and every
        /// request names the channel's model.
        /// </summary>
        private static JsonObject BatchOf(JsonObject client, string model)
        {
            var requests = FromGeminiRequest.Field(client, "requests") is JsonArray batch ? batch.OfType<JsonObject>() : [client];
            return new JsonObject
            {
                ["requests"] = new JsonArray(requests.Select(r =>
                {
                    var item = (JsonObject)r.DeepClone();
                    item["model"] = "models/" + model;
                    return (JsonNode?)item;
                }).ToArray()),
            };
        }

        public override async Task<UpstreamAnswer> ReadAnswerAsync(HttpResponseMessage response, RelayRequest request, CancellationToken cancellationToken)
        {
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            if (JsonWire.Parse(body) is not { } answer)
            {
                return new UpstreamAnswer(body, null, "", RelayError.UpstreamMalformed("the answer is not a JSON object"));
            }
            if (answer["error"] is JsonObject error)
            {
                return new UpstreamAnswer(body, null, "", GoogleErrors.FromError(500, error));
            }
            if (request.Mode == RelayMode.Embeddings)
            {
                // Gemini reports no tokens for embeddings: the gateway counts the input, as for OpenAI-format clients.
                return method == GeminiMethod.EmbedContent && (answer["embeddings"] as JsonArray)?.FirstOrDefault() is { } single
                    ? new UpstreamAnswer(JsonWire.Serialize(new JsonObject { ["embedding"] = single.DeepClone() }), null, "")
                    : new UpstreamAnswer(body, null, "");
            }
            var (usage, text) = Measure(answer);
            return new UpstreamAnswer(body, usage, text);
        }

        public override async IAsyncEnumerable<StreamFrame> ReadStreamAsync(Stream upstream, RelayRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            await foreach (var data in hosted.Host.ReadEventsAsync(upstream, cancellationToken).ConfigureAwait(false))
            {
                if (JsonWire.Parse(data.Span) is not { } evt)
                {
                    continue;
                }
                if (evt["error"] is JsonObject error)
                {
                    yield return new StreamFrame(data, Error: GoogleErrors.FromError(500, error));
                    yield break;
                }
                var (usage, text) = Measure(evt);
                yield return new StreamFrame(data, usage, text);
            }
        }

        /// <summary>
        /// What one answer or event generated, and its usage once a candidate has finished: Gemini repeats a running
        /// <c>usageMetadata</c> in every event, and a stream cut short is billed by what was delivered.
        /// </summary>
        private static (Usage? Usage, string Text) Measure(JsonObject answer)
        {
            var text = new StringBuilder();
            var finished = false;
            foreach (var candidate in (answer["candidates"] as JsonArray)?.OfType<JsonObject>() ?? [])
            {
                text.Append(GeminiParts.Read(candidate).Generated);
                finished |= candidate["finishReason"] is not null;
            }
            var blocked = answer["candidates"] is null && answer["promptFeedback"] is not null;
            return (finished || blocked ? GeminiUsage.Read(answer["usageMetadata"])?.ToUsage() : null, text.ToString());
        }
    }

    /// <summary>Any other channel: OpenAI answers and chunks become Gemini's responses and events.</summary>
    private sealed class Converting(IChannelAdaptor inner, GeminiMethod method) : DelegatingAdaptor(inner)
    {
        /// <summary>Claude takes a thinking budget, not an effort: the client's budget goes as it is.</summary>
        public override ValueTask<HttpRequestMessage> BuildRequestAsync(RelayRequest request, UpstreamChannel channel, CancellationToken cancellationToken)
        {
            if (Inner is HostedAdaptor { Format.Kind: WireFormatKind.ClaudeMessages } && FromGeminiRequest.ThinkingBudget(request.ClientBody!) is { } budget)
            {
                request.Edit(body =>
                {
                    body.Remove("reasoning_effort");
                    body["thinking"] = new JsonObject { ["type"] = "enabled", ["budget_tokens"] = budget };
                });
            }
            return Inner.BuildRequestAsync(request, channel, cancellationToken);
        }

        public override async Task<UpstreamAnswer> ReadAnswerAsync(HttpResponseMessage response, RelayRequest request, CancellationToken cancellationToken)
        {
            var answer = await Inner.ReadAnswerAsync(response, request, cancellationToken).ConfigureAwait(false);
            if (answer.Error is not null)
            {
                return answer;
            }
            return answer with
            {
                Body = request.Mode == RelayMode.Embeddings
                    ? ToGeminiAnswer.Embeddings(answer.Body.Span, batch: method == GeminiMethod.BatchEmbedContents)
                    : ToGeminiAnswer.Convert(answer.Body.Span, request.OriginModel),
            };
        }

        public override IAsyncEnumerable<StreamFrame> ReadStreamAsync(Stream upstream, RelayRequest request, CancellationToken cancellationToken) =>
            new ToGeminiStream(request.OriginModel).TranslateAsync(Inner.ReadStreamAsync(upstream, request, cancellationToken), cancellationToken);
    }
}
