using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using OneApi.Relay.Abstractions;
using OneApi.Relay.Adaptors.Anthropic;
using OneApi.Relay.Images;
using OneApi.Relay.OpenAI;

namespace OneApi.Relay.Adaptors.VertexAI;

/// <summary>
/// Claude on Google Vertex AI (channel type 42, https://cloud.google.com/vertex-ai/generative-ai/docs/partner-models/use-claude):
/// the Anthropic converters with Vertex's envelope: the model in the URL (<c>rawPredict</c>, <c>streamRawPredict</c>),
/// <c>anthropic_version: vertex-2023-10-16</c> in the body, a Bearer token from the channel's service-account key
/// (config <c>vertex_ai_adc</c>, else the channel key), region and project from the config.
/// </summary>
public sealed class VertexAIClaudeAdaptor(IGoogleAccessTokens tokens, UserImageFetcher? images = null, TimeProvider? time = null) : IChannelAdaptor, IAnthropicMessagesAdaptor
{
    public const string AnthropicVersion = "vertex-2023-10-16";

    private static readonly Dictionary<string, string> ModelIds = new(StringComparer.Ordinal)
    {
        ["claude-3-haiku-20240307"] = "claude-3-haiku@20240307",
        ["claude-3-sonnet-20240229"] = "claude-3-sonnet@20240229",
        ["claude-3-opus-20240229"] = "claude-3-opus@20240229",
        ["claude-3-5-sonnet-20240620"] = "claude-3-5-sonnet@20240620",
        ["claude-3-5-sonnet-20241022"] = "claude-3-5-sonnet-v2@20241022",
        ["claude-3-5-haiku-20241022"] = "claude-3-5-haiku@20241022",
        ["claude-3-7-sonnet-20250219"] = "claude-3-7-sonnet@20250219",
        ["claude-sonnet-4-20250514"] = "claude-sonnet-4@20250514",
        ["claude-opus-4-20250514"] = "claude-opus-4@20250514",
        ["claude-opus-4-1-20250805"] = "claude-opus-4-1@20250805",
    };

    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public IReadOnlyCollection<int> ChannelTypes { get; } = [Abstractions.ChannelTypes.VertexAI];

    public IReadOnlyList<string> KnownModels { get; } = [.. ModelIds.Keys, .. ModelIds.Values];

    public bool Supports(RelayMode mode) => mode == RelayMode.ChatCompletions;

    /// <summary>Vertex needs an OAuth token, which takes I/O: the pipeline calls <see cref="BuildRequestAsync"/>.</summary>
    public HttpRequestMessage BuildRequest(RelayRequest request, UpstreamChannel channel) =>
        throw new NotSupportedException("Vertex AI requests need an access token; use BuildRequestAsync");

    public async ValueTask<HttpRequestMessage> BuildRequestAsync(RelayRequest request, UpstreamChannel channel, CancellationToken cancellationToken) =>
        await BuildAsync(await ToAnthropicRequest.ConvertAsync(request, images, cancellationToken).ConfigureAwait(false), request.IsStream, channel, cancellationToken).ConfigureAwait(false);

    public async ValueTask<HttpRequestMessage> BuildMessagesRequestAsync(JsonObject messagesBody, bool stream, IReadOnlyList<string> betas, UpstreamChannel channel,
        CancellationToken cancellationToken)
    {
        var body = (JsonObject)messagesBody.DeepClone();
        if (images is not null)
        {
            await ToAnthropicRequest.InlineImagesAsync(body, images, cancellationToken).ConfigureAwait(false);
        }
        return await BuildAsync(body, stream, channel, cancellationToken, betas).ConfigureAwait(false);
    }

    private async Task<HttpRequestMessage> BuildAsync(JsonObject messagesBody, bool stream, UpstreamChannel channel, CancellationToken cancellationToken,
        IReadOnlyList<string>? clientBetas = null)
    {
        var model = ModelId(JsonWire.String(messagesBody["model"]) ?? "");
        if (!model.StartsWith("claude", StringComparison.Ordinal))
        {
            // one-api's Vertex channel also serves Gemini and Imagen through other sub-adaptors; this one is Claude's only.
            throw new RelayErrorException(new RelayError(RelayErrorKind.NotImplemented, 501,
                $"Vertex AI channels relay Claude models only, not {model}", RelayError.OneApiType, "api_not_implemented"));
        }
        messagesBody.Remove("model");
        messagesBody["anthropic_version"] = AnthropicVersion;
        if (stream)
        {
            messagesBody["stream"] = true;
        }
        var token = await TokenAsync(channel, cancellationToken).ConfigureAwait(false);
        var message = new HttpRequestMessage(HttpMethod.Post, Url(channel, model, stream))
        {
            Content = new ByteArrayContent(JsonWire.Serialize(messagesBody)) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
        };
        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (ToAnthropicRequest.BetaHeaders(messagesBody, clientBetas) is { Count: > 0 } betas)
        {
            message.Headers.Add("anthropic-beta", string.Join(",", betas));
        }
        return message;
    }

    /// <summary>Vertex names Claude versions with '@': claude-3-7-sonnet-20250219 is claude-3-7-sonnet@20250219.</summary>
    public static string ModelId(string model)
    {
        if (model.Contains('@', StringComparison.Ordinal) || !ModelIds.TryGetValue(model, out var id) && !HasDateSuffix(model))
        {
            return model;
        }
        return id ?? model[..^9] + "@" + model[^8..];
    }

    private static bool HasDateSuffix(string model) =>
        model.Length > 9 && model[^9] == '-' && model[^8..].All(char.IsAsciiDigit);

    /// <summary>
    /// <c>https://{region}-aiplatform.googleapis.com/v1/projects/{project}/locations/{region}/publishers/anthropic/models/{model}:rawPredict</c>;
    /// the "global" region has no region prefix; a channel base URL replaces the host.
    /// </summary>
    public static string Url(UpstreamChannel channel, string model, bool stream)
    {
        var region = channel.Config.Region.Length > 0 ? channel.Config.Region : "us-east5";
        var host = channel.BaseUrl.Length > 0 ? channel.BaseUrl.TrimEnd('/')
            : region == "global" ? "https://aiplatform.googleapis.com" : $"https://{region}-aiplatform.googleapis.com";
        var action = stream ? "streamRawPredict?alt=sse" : "rawPredict";
        return $"{host}/v1/projects/{Uri.EscapeDataString(channel.Config.VertexAiProjectId)}/locations/{region}/publishers/anthropic/models/{Uri.EscapeDataString(model).Replace("%40", "@", StringComparison.Ordinal)}:{action}";
    }

    private async Task<string> TokenAsync(UpstreamChannel channel, CancellationToken cancellationToken)
    {
        var key = channel.Config.VertexAiAdc.Length > 0 ? channel.Config.VertexAiAdc : channel.Key;
        try
        {
            return await tokens.GetAsync(key, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new RelayErrorException(new RelayError(RelayErrorKind.UpstreamStatus, 401,
                $"could not get a Vertex AI access token from the channel's service-account key: {e.Message}", RelayError.OneApiType, "vertex_ai_auth_failed"));
        }
    }

    public async Task<UpstreamAnswer> ReadAnswerAsync(HttpResponseMessage response, RelayRequest request, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        return FromAnthropicAnswer.Convert(body, request, _time.GetUtcNow().ToUnixTimeSeconds());
    }

    public IAsyncEnumerable<StreamFrame> ReadStreamAsync(Stream upstream, RelayRequest request, CancellationToken cancellationToken) =>
        FromAnthropicStream.ReadAsync(ReadMessagesEventsAsync(upstream, cancellationToken), request, _time.GetUtcNow().ToUnixTimeSeconds(), cancellationToken);

    public IAsyncEnumerable<ReadOnlyMemory<byte>> ReadMessagesEventsAsync(Stream upstream, CancellationToken cancellationToken) =>
        AnthropicAdaptor.SseEvents(upstream, cancellationToken);

    /// <summary>Vertex answers errors as Claude does, or in Google's <c>{"error":{"code","message","status"}}</c>; both read as OpenAI's.</summary>
    public RelayError ReadError(int statusCode, ReadOnlySpan<byte> body) => AnthropicErrors.Read(statusCode, body);
}
