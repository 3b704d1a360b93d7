using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using OneApi.Relay.Abstractions;
using OneApi.Relay.Adaptors.Gemini;
using OneApi.Relay.OpenAI;

namespace OneApi.Relay.Adaptors.VertexAI;

/// <summary>
/// Google Vertex AI (channel type 42): every model at
/// <c>{host}/v1/projects/{project}/locations/{region}/publishers/{google|anthropic}/models/{model}:{method}</c>,
/// with a Bearer token from the channel's service account, one token cache for all its models. Claude
/// (https://cloud.google.com/vertex-ai/generative-ai/docs/partner-models/use-claude) gets its envelope: the model in
/// the URL (with '@' before its date), <c>anthropic_version: vertex-2023-10-16</c> in the body.
/// </summary>
public sealed class VertexHost(IGoogleAccessTokens tokens) : IUpstreamHost
{
    public const string AnthropicVersion = "vertex-2023-10-16";

    private static readonly Dictionary<string, string> ClaudeIds = new(StringComparer.Ordinal)
    {
        ["claude-3-5-sonnet-20241022"] = "claude-3-5-sonnet-v2@20241022",
    };

    public HostKind Kind => HostKind.VertexAI;

    /// <summary>Vertex embeds text with <c>predict</c> on its own models, not with Gemini's <c>batchEmbedContents</c>.</summary>
    public bool Serves(WireFormatKind format, RelayMode mode) => !(format == WireFormatKind.Gemini && mode == RelayMode.Embeddings);

    public async ValueTask<HttpRequestMessage> BuildAsync(UpstreamPayload payload, UpstreamChannel channel, CancellationToken cancellationToken)
    {
        var account = VertexAccount.Of(channel);
        var claude = payload.Format == WireFormatKind.ClaudeMessages;
        var model = claude ? ClaudeId(payload.Model) : payload.Model;
        if (claude)
        {
            var body = payload.Json ?? throw new InvalidOperationException("Claude on Vertex AI wraps JSON bodies only");
            body.Remove("model");
            body["anthropic_version"] = AnthropicVersion;
            if (payload.Stream)
            {
                body["stream"] = true;
            }
        }
        var token = await TokenAsync(account.ServiceAccountJson, cancellationToken).ConfigureAwait(false);
        var method = claude ? payload.Stream ? "streamRawPredict?alt=sse" : "rawPredict" : GoogleMethods.Of(payload);
        var message = new HttpRequestMessage(HttpMethod.Post, Url(channel, account, claude ? "anthropic" : "google", model, method))
        {
            Content = payload.ToContent(),
        };
        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (payload.Betas.Count > 0)
        {
            message.Headers.Add("anthropic-beta", string.Join(",", payload.Betas));
        }
        return message;
    }

    /// <summary>Vertex names Claude versions with '@': claude-3-7-sonnet-20250219 is claude-3-7-sonnet@20250219.</summary>
    public static string ClaudeId(string model)
    {
        if (ClaudeIds.TryGetValue(model, out var id))
        {
            return id;
        }
        var dated = !model.Contains('@', StringComparison.Ordinal) && model.Length > 9 && model[^9] == '-' && model[^8..].All(char.IsAsciiDigit);
        return dated ? model[..^9] + "@" + model[^8..] : model;
    }

    /// <summary>The regional host (none for "global"), or the channel's base URL, which one-api ignored for Imagen.</summary>
    public static string Url(UpstreamChannel channel, VertexAccount account, string publisher, string model, string method)
    {
        var host = channel.BaseUrl.Length > 0 ? channel.BaseUrl.TrimEnd('/')
            : account.Region == "global" ? "https://aiplatform.googleapis.com" : $"https://{account.Region}-aiplatform.googleapis.com";
        return $"{host}/v1/projects/{Uri.EscapeDataString(account.Project)}/locations/{account.Region}/publishers/{publisher}/models/" +
            $"{Uri.EscapeDataString(model).Replace("%40", "@", StringComparison.Ordinal)}:{method}";
    }

    private async Task<string> TokenAsync(string serviceAccountJson, CancellationToken cancellationToken)
    {
        try
        {
            return await tokens.GetAsync(serviceAccountJson, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new RelayErrorException(new RelayError(RelayErrorKind.UpstreamStatus, 401,
                $"could not get a Vertex AI access token from the channel's service-account key: {e.Message}", RelayError.OneApiType, "vertex_ai_auth_failed"));
        }
    }
}

/// <summary>
/// Where and as whom a Vertex channel calls. one-api keeps region, project and key in the config
/// (<c>region</c>, <c>vertex_ai_project_id</c>, <c>vertex_ai_adc</c>), and its console also writes them into the
/// channel key as <c>region|project|key JSON</c>; a bare key JSON is read too, its <c>project_id</c> naming the project.
/// </summary>
public sealed record VertexAccount(string Region, string Project, string ServiceAccountJson)
{
    public const string DefaultRegion = "us-central1";

    public static VertexAccount Of(UpstreamChannel channel)
    {
        var config = channel.Config;
        var key = channel.Key.Trim();
        string? keyRegion = null, keyProject = null;
        if (!key.StartsWith('{') && key.Split('|', 3) is [var region, var project, var json])
        {
            (keyRegion, keyProject, key) = (region, project, json);
        }
        var serviceAccount = config.VertexAiAdc.Length > 0 ? config.VertexAiAdc : key;
        var projectOfKey = JsonWire.String(JsonWire.Parse(System.Text.Encoding.UTF8.GetBytes(serviceAccount))?["project_id"]);
        return new VertexAccount(
            config.Region.Length > 0 ? config.Region : keyRegion is { Length: > 0 } ? keyRegion : DefaultRegion,
            config.VertexAiProjectId.Length > 0 ? config.VertexAiProjectId : keyProject is { Length: > 0 } ? keyProject : projectOfKey ?? "",
            serviceAccount);
    }
}
