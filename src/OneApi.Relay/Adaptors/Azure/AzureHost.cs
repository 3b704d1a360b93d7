using System.Net.Http.Headers;
using OneApi.Relay.Abstractions;

namespace OneApi.Relay.Adaptors.Azure;

/// <summary>
/// Azure OpenAI (channel type 3): OpenAI's wire format at a deployment URL,
/// <c>{base}/openai/deployments/{deployment}/chat/completions?api-version=…</c>, with an <c>api-key</c> header
/// (https://learn.microsoft.com/azure/ai-services/openai/reference). The Responses API has no deployment URL: it is
/// served at <c>{base}/openai/v1/responses?api-version=preview</c> with the deployment as the body's model
/// (https://learn.microsoft.com/azure/ai-foundry/openai/how-to/responses).
/// </summary>
public sealed class AzureHost : IUpstreamHost
{
    /// <summary>The API version one-api's channel form suggests, used when the channel's config names none.</summary>
    public const string DefaultApiVersion = "2024-03-01-preview";

    public HostKind Kind => HostKind.Azure;

    public bool Serves(WireFormatKind format, RelayMode mode) => mode is not (RelayMode.Moderations or RelayMode.Rerank or RelayMode.Edits);

    public ValueTask<HttpRequestMessage> BuildAsync(UpstreamPayload payload, UpstreamChannel channel, CancellationToken cancellationToken)
    {
        var url = Url(payload.Mode, payload.Model, channel);
        if (payload.Path is { } path)
        {
            url = $"{channel.BaseUrl.TrimEnd('/')}/openai{path}?api-version=preview";
            if (payload.Json is { } body)
            {
                body["model"] = Deployment(payload.Model);
            }
        }
        var message = new HttpRequestMessage(HttpMethod.Post, url) { Content = payload.ToContent() };
        message.Headers.Add("api-key", channel.Key);
        if (payload.Stream)
        {
            message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        }
        return ValueTask.FromResult(message);
    }

    /// <summary>
    /// The deployment is named after the model, without dots (one-api: "gpt-3.5-turbo" is deployed as "gpt-35-turbo"),
    /// since Azure deployment names cannot contain them.
    /// </summary>
    public static string Url(RelayMode mode, string model, UpstreamChannel channel)
    {
        var baseUrl = channel.BaseUrl.TrimEnd('/');
        var deployment = Uri.EscapeDataString(Deployment(model));
        var path = mode.Path()["/v1".Length..];
        var version = string.IsNullOrWhiteSpace(channel.Config.ApiVersion) ? DefaultApiVersion : channel.Config.ApiVersion.Trim();
        return $"{baseUrl}/openai/deployments/{deployment}{path}?api-version={Uri.EscapeDataString(version)}";
    }

    private static string Deployment(string model) => model.Replace(".", "", StringComparison.Ordinal);
}
