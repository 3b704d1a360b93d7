using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using OneApi.Relay.OpenAI;

namespace OneApi.Relay.Abstractions;

/// <summary>The request and answer format an upstream speaks, whoever hosts it.</summary>
public enum WireFormatKind
{
    OpenAI,
    ClaudeMessages,
    Gemini,
    Imagen,
    Ollama,
    Cohere,
    DeepL,
    /// <summary>Xunfei Spark's WebSocket chat frames (<c>header</c>/<c>parameter</c>/<c>payload</c>).</summary>
    Spark,
    /// <summary>Tencent Hunyuan's <c>ChatCompletions</c> action (PascalCase fields).</summary>
    Hunyuan,
    /// <summary>Coze's v3 chat with a bot, its events as SSE.</summary>
    Coze,
    /// <summary>AI Proxy's knowledge-base ask API.</summary>
    AIProxyLibrary,
    /// <summary>Replicate's model inputs and prediction outputs (chat, images, image edits).</summary>
    Replicate,
    /// <summary>Baidu's ERNIE (wenxinworkshop) chat and embeddings.</summary>
    Ernie,
    /// <summary>Alibaba's DashScope native API: text generation, text embeddings and wanx images.</summary>
    DashScope,
    /// <summary>A provider that shut its API down: requests are refused with a notice (PaLM).</summary>
    Retired,
}

/// <summary>Who serves a wire format: where requests go, how they are authenticated and wrapped, how streams are framed.</summary>
public enum HostKind
{
    /// <summary>The channel's base URL with OpenAI's paths and a Bearer key.</summary>
    Bearer,
    Azure,
    /// <summary>Anthropic's API: <c>x-api-key</c> and <c>anthropic-version</c>.</summary>
    Anthropic,
    AwsBedrock,
    /// <summary>Google AI Studio (generativelanguage.googleapis.com): <c>x-goog-api-key</c>.</summary>
    GoogleAI,
    /// <summary>Google Vertex AI: a service-account OAuth token, the model under its publisher.</summary>
    VertexAI,
    /// <summary>Cloudflare Workers AI: OpenAI's paths under the account (or an AI Gateway URL), a Bearer API token.</summary>
    Cloudflare,
    /// <summary>An Ollama server: <c>/api/chat</c> and <c>/api/embed</c>, streams as JSON lines.</summary>
    Ollama,
    /// <summary>Zhipu's OpenAI-compatible v4 API (<c>/api/paas/v4</c>) with a JWT signed from the <c>id.secret</c> key.</summary>
    Zhipu,
    /// <summary>Cohere's API: <c>{base}/v1/chat</c> with a Bearer key, streams as JSON lines.</summary>
    Cohere,
    /// <summary>DeepL's API: <c>/v2/translate</c> with a <c>DeepL-Auth-Key</c>.</summary>
    DeepL,
    /// <summary>Xunfei Spark: a WebSocket at a URL signed with HMAC-SHA256 from the <c>APPID|APISecret|APIKey</c> key.</summary>
    Xunfei,
    /// <summary>Tencent Cloud API 3.0: TC3-HMAC-SHA256 signed from the <c>AppId|SecretId|SecretKey</c> key.</summary>
    Tencent,
    /// <summary>Coze's API: <c>{base}/v3/chat</c> with a personal access token.</summary>
    Coze,
    /// <summary>AI Proxy's library API: <c>{base}/api/library/ask</c> with a Bearer key.</summary>
    AIProxyLibrary,
    /// <summary>Replicate's predictions API: a Bearer key, a prediction created per request and followed until it ends.</summary>
    Replicate,
    /// <summary>Baidu Qianfan's wenxinworkshop paths, with an access token exchanged for the key's API key and secret.</summary>
    Baidu,
    /// <summary>Alibaba's DashScope (<c>/api/v1/services/…</c>) with a Bearer key; images run as tasks polled at <c>/api/v1/tasks</c>.</summary>
    DashScope,
}

/// <summary>
/// A wire format: converts OpenAI requests into the provider's body and the provider's answers, stream events and
/// errors back. It knows nothing of URLs or credentials; an <see cref="IUpstreamHost"/> adds those.
/// </summary>
public interface IWireFormat
{
    WireFormatKind Kind { get; }

    /// <summary>
    /// Whether this format owns a model on a channel type that speaks several (Vertex AI); the type's first format
    /// takes every model no other one claims.
    /// </summary>
    bool Claims(string model);

    bool Supports(RelayMode mode);

    /// <summary>The upstream body for a client request; may fetch user images to inline them.</summary>
    ValueTask<UpstreamPayload> ToUpstreamAsync(RelayRequest request, CancellationToken cancellationToken);

    /// <summary>Translates a whole (non-stream) success answer into OpenAI's format.</summary>
    Task<UpstreamAnswer> ReadAnswerAsync(HttpResponseMessage response, RelayRequest request, CancellationToken cancellationToken);

    /// <summary>Translates the stream's event payloads (already unframed by the host) into OpenAI chunks.</summary>
    IAsyncEnumerable<StreamFrame> ReadStreamAsync(IAsyncEnumerable<ReadOnlyMemory<byte>> events, RelayRequest request, CancellationToken cancellationToken);

    /// <summary>Translates an upstream error answer (status ≥ 400) into the error the client gets.</summary>
    RelayError ReadError(int statusCode, ReadOnlySpan<byte> body);

    /// <summary>
    /// The units a rerank request will be billed in, estimated before the call, when the format's are not tokens
    /// (Cohere's searches); null when they are tokens, which the gateway counts itself.
    /// </summary>
    int? RerankUnits(JsonObject body) => null;
    /// <summary>The error a 2xx answer carries instead of one (Baidu answers refusals with 200), else null.</summary>
    ValueTask<RelayError?> ReadRefusalAsync(HttpResponseMessage response, CancellationToken cancellationToken) => ValueTask.FromResult<RelayError?>(null);
}

/// <summary>
/// A host: turns a wire format's payload into an HTTP request to one channel (URL, auth, body wrapper), and
/// unframes its streams into event payloads.
/// </summary>
public interface IUpstreamHost
{
    HostKind Kind { get; }

    /// <summary>Whether this host serves the format's mode (Vertex serves no Gemini embeddings, for instance).</summary>
    bool Serves(WireFormatKind format, RelayMode mode) => true;

    ValueTask<HttpRequestMessage> BuildAsync(UpstreamPayload payload, UpstreamChannel channel, CancellationToken cancellationToken);

    /// <summary>The stream's event payloads; SSE <c>data:</c> unless the host frames streams its own way.</summary>
    IAsyncEnumerable<ReadOnlyMemory<byte>> ReadEventsAsync(Stream upstream, CancellationToken cancellationToken) =>
        Streaming.SseReader.DataAsync(upstream, cancellationToken);

    /// <summary>Whether the upstream fetches image URLs itself (Anthropic's API), so native requests keep them.</summary>
    bool FetchesImageUrls => false;

    /// <summary>The host's own error shape when it has one (Bedrock's), else null for the format to read.</summary>
    RelayError? ReadError(int statusCode, ReadOnlySpan<byte> body) => null;

    /// <summary>
    /// The answer to read once the upstream accepted the request (2xx). Most upstreams answer at once; one that only
    /// starts a job (Replicate's predictions) is followed with <paramref name="send"/>, polling it or opening its stream.
    /// </summary>
    Task<UpstreamReply> FollowAsync(HttpResponseMessage accepted, UpstreamSend send, CancellationToken cancellationToken) =>
        Task.FromResult(new UpstreamReply(accepted, null));
    /// Whether <paramref name="error"/> says the credential this host cached for the channel went stale (Baidu's
    /// expired access token); the host then drops it, and the call is made once more with a fresh one.
    /// </summary>
    bool DropsStaleCredential(UpstreamChannel channel, RelayError error) => false;

    /// <summary>The request that asks after a task the upstream runs in the background (DashScope's image jobs).</summary>
    ValueTask<HttpRequestMessage> BuildTaskPollAsync(UpstreamTask task, UpstreamChannel channel, CancellationToken cancellationToken) =>
        throw new RelayErrorException(RelayError.NotImplemented());
}

/// <summary>What a request to the upstream gave: its response (any status), or why there is none.</summary>
public readonly record struct UpstreamReply(HttpResponseMessage? Response, RelayError? Error);

/// <summary>Sends a follow-up request to the channel as the first one went: same client, timeout, tracing and metrics.</summary>
public delegate Task<UpstreamReply> UpstreamSend(HttpRequestMessage request, CancellationToken cancellationToken);

/// <summary>
/// What a wire format sends: the body (JSON a host may wrap, or ready content such as the client's own bytes or a
/// form) and what a host needs to address it.
/// </summary>
public sealed record UpstreamPayload(WireFormatKind Format, RelayMode Mode, string Model, bool Stream)
{
    public JsonObject? Json { get; init; }

    /// <summary>Content sent as it is (pass-through bytes, multipart forms); hosts that wrap bodies need <see cref="Json"/>.</summary>
    public HttpContent? Content { get; init; }

    /// <summary>The OpenAI path when it is not the mode's (<c>/v1/responses</c> passed through).</summary>
    public string? Path { get; init; }

    /// <summary>Claude's <c>anthropic-beta</c> values: a header for Anthropic and Vertex AI, a body field for Bedrock.</summary>
    public IReadOnlyList<string> Betas { get; init; } = [];

    /// <summary>The client wants the answer's files as bytes, not links (images with <c>response_format: b64_json</c>).</summary>
    public bool InlineFiles { get; init; }

    public HttpContent ToContent() => Content ?? JsonContent(Json ?? throw new InvalidOperationException("the payload has no body"));

    public static ByteArrayContent JsonContent(JsonNode json) =>
        new(JsonWire.Serialize(json)) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } };
}
