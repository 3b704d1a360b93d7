using System.Net.Http.Headers;
using OneApi.Relay.Abstractions;
using OneApi.Relay.Adaptors.OpenAI;

namespace OneApi.Relay.Adaptors.Azure;

/// <summary>
/// Azure OpenAI (channel type 3): OpenAI's wire format at a deployment URL,
/// <c>{base}/openai/deployments/{deployment}/chat/completions?api-version=…</c>, with an <c>api-key</c> header
/// (https://learn.microsoft.com/azure/ai-services/openai/reference). Answers are read as OpenAI's.
/// </summary>
public sealed class AzureAdaptor(OpenAIRequestOptions options) : IChannelAdaptor, IMediaAdaptor
{
    /// <summary>The API version one-api's channel form suggests, used when the channel's config names none.</summary>
    public const string DefaultApiVersion = "2024-03-01-preview";

    private readonly OpenAIAdaptor _openAI = new(options);

    public AzureAdaptor() : this(OpenAIRequestOptions.Default)
    {
    }

    public IReadOnlyCollection<int> ChannelTypes { get; } = [Abstractions.ChannelTypes.Azure];

    public IReadOnlyList<string> KnownModels => _openAI.KnownModels;

    public bool Supports(RelayMode mode) => mode != RelayMode.Moderations;

    public HttpRequestMessage BuildRequest(RelayRequest request, UpstreamChannel channel)
    {
        var message = new HttpRequestMessage(HttpMethod.Post, Url(request, channel))
        {
            Content = OpenAIAdaptor.ShapedBody(request, channel.Type, options),
        };
        message.Headers.Add("api-key", channel.Key);
        if (request.IsStream)
        {
            message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        }
        return message;
    }

    /// <summary>
    /// The deployment is named after the model, without dots (one-api: "gpt-3.5-turbo" is deployed as "gpt-35-turbo"),
    /// since Azure deployment names cannot contain them.
    /// </summary>
    public static string Url(RelayRequest request, UpstreamChannel channel) => Url(request.Mode, request.Model, channel);

    private static string Url(RelayMode mode, string model, UpstreamChannel channel)
    {
        var baseUrl = channel.BaseUrl.TrimEnd('/');
        var deployment = Uri.EscapeDataString(model.Replace(".", "", StringComparison.Ordinal));
        var path = mode.Path()["/v1".Length..];
        var version = string.IsNullOrWhiteSpace(channel.Config.ApiVersion) ? DefaultApiVersion : channel.Config.ApiVersion.Trim();
        return $"{baseUrl}/openai/deployments/{deployment}{path}?api-version={Uri.EscapeDataString(version)}";
    }

    public Task<UpstreamAnswer> ReadAnswerAsync(HttpResponseMessage response, RelayRequest request, CancellationToken cancellationToken) =>
        _openAI.ReadAnswerAsync(response, request, cancellationToken);

    public IAsyncEnumerable<StreamFrame> ReadStreamAsync(Stream upstream, RelayRequest request, CancellationToken cancellationToken) =>
        _openAI.ReadStreamAsync(upstream, request, cancellationToken);

    public RelayError ReadError(int statusCode, ReadOnlySpan<byte> body) => _openAI.ReadError(statusCode, body);

    public HttpRequestMessage BuildMediaRequest(RelayMode mode, string model, HttpContent body, UpstreamChannel channel)
    {
        var message = new HttpRequestMessage(HttpMethod.Post, Url(mode, model, channel)) { Content = body };
        message.Headers.Add("api-key", channel.Key);
        return message;
    }
}
