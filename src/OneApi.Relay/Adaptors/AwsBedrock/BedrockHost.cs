using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using OneApi.Relay.Abstractions;
using OneApi.Relay.Adaptors.Anthropic;
using OneApi.Relay.OpenAI;

namespace OneApi.Relay.Adaptors.AwsBedrock;

/// <summary>
/// Claude on AWS Bedrock (channel type 33), https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-anthropic-claude-messages.html:
/// the model in the URL, <c>anthropic_version: bedrock-2023-05-31</c> and the betas in the body, SigV4-signed with
/// the channel's ak/sk/region, and streams in AWS's binary event stream, each event carrying one Messages event as base64.
/// </summary>
public sealed class BedrockHost(TimeProvider? time = null) : IUpstreamHost
{
    public const string AnthropicVersion = "bedrock-2023-05-31";
    public const string Service = "bedrock";

    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public HostKind Kind => HostKind.AwsBedrock;

    public ValueTask<HttpRequestMessage> BuildAsync(UpstreamPayload payload, UpstreamChannel channel, CancellationToken cancellationToken)
    {
        var (credentials, region) = CredentialsOf(channel);
        var body = payload.Json ?? throw new InvalidOperationException("Bedrock wraps JSON bodies only");
        var modelId = BedrockModelIds.For(payload.Model, region);
        body.Remove("model");
        body.Remove("stream");
        body["anthropic_version"] = AnthropicVersion;
        if (payload.Betas.Count > 0)
        {
            body["anthropic_beta"] = new JsonArray(payload.Betas.Select(b => (JsonNode?)b).ToArray());
        }
        var baseUrl = string.IsNullOrEmpty(channel.BaseUrl) ? $"https://bedrock-runtime.{region}.amazonaws.com" : channel.BaseUrl.TrimEnd('/');
        // The id's ':' is escaped on the wire, as AWS's SDKs send it; the signature encodes the escaped path again.
        var url = $"{baseUrl}/model/{Uri.EscapeDataString(modelId)}/{(payload.Stream ? "invoke-with-response-stream" : "invoke")}";
        var bytes = JsonWire.Serialize(body);
        var message = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new ByteArrayContent(bytes) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
        };
        message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(payload.Stream ? "application/vnd.amazon.eventstream" : "application/json"));
        SigV4Signer.Sign(message, bytes, credentials, region, Service, _time.GetUtcNow());
        return ValueTask.FromResult(message);
    }

    /// <summary>ak, sk and region from the channel's config; older one-api channels kept them in the key as <c>ak|sk|region</c>.</summary>
    public static (AwsCredentials Credentials, string Region) CredentialsOf(UpstreamChannel channel)
    {
        var config = channel.Config;
        if (config.Ak.Length > 0 && config.Sk.Length > 0)
        {
            return (new AwsCredentials(config.Ak, config.Sk), config.Region.Length > 0 ? config.Region : "us-east-1");
        }
        var parts = channel.Key.Split('|');
        return parts.Length >= 3
            ? (new AwsCredentials(parts[0], parts[1]), parts[2])
            : throw new RelayErrorException(new RelayError(RelayErrorKind.UpstreamStatus, 500, "the AWS channel has no ak/sk in its config", RelayError.OneApiType, "channel_misconfigured"));
    }

    /// <summary>
    /// The Messages events inside the event stream. Bedrock's exceptions, and broken framing (a bad CRC), come out as
    /// Messages <c>error</c> events, so every reader ends the stream the same way.
    /// </summary>
    public async IAsyncEnumerable<ReadOnlyMemory<byte>> ReadEventsAsync(Stream upstream, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var messages = AwsEventStream.ReadAsync(upstream, cancellationToken).GetAsyncEnumerator(cancellationToken);
        try
        {
            while (true)
            {
                AwsEventMessage message;
                try
                {
                    if (!await messages.MoveNextAsync().ConfigureAwait(false))
                    {
                        yield break;
                    }
                    message = messages.Current;
                }
                catch (AwsEventStreamException e)
                {
                    message = new AwsEventMessage(new Dictionary<string, string> { [":message-type"] = "exception", [":exception-type"] = "internalServerException" },
                        JsonWire.Serialize(new JsonObject { ["message"] = "malformed event stream: " + e.Message }));
                }
                if (message.MessageType == "event")
                {
                    if (JsonWire.Parse(message.Payload.Span) is { } chunk && JsonWire.String(chunk["bytes"]) is { } base64)
                    {
                        yield return Convert.FromBase64String(base64);
                    }
                    continue;
                }
                yield return ErrorEvent(message);
                yield break;
            }
        }
        finally
        {
            await messages.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static byte[] ErrorEvent(AwsEventMessage message)
    {
        var kind = message.ExceptionType ?? message.Headers.GetValueOrDefault(":error-code") ?? "internalServerException";
        var text = JsonWire.String(JsonWire.Parse(message.Payload.Span)?["message"]) ?? message.Headers.GetValueOrDefault(":error-message") ?? kind;
        var type = kind switch
        {
            "throttlingException" => "rate_limit_error",
            "validationException" => "invalid_request_error",
            "modelStreamErrorException" or "serviceUnavailableException" => "overloaded_error",
            _ => "api_error",
        };
        return JsonWire.Serialize(new JsonObject { ["type"] = "error", ["error"] = new JsonObject { ["type"] = type, ["message"] = $"{kind}: {text}" } });
    }

    /// <summary>Bedrock errors are <c>{"message":"…"}</c>, with the exception name in <c>x-amzn-ErrorType</c>.</summary>
    public RelayError? ReadError(int statusCode, ReadOnlySpan<byte> body)
    {
        var parsed = JsonWire.Parse(body);
        var message = JsonWire.String(parsed?["message"]) ?? JsonWire.String(parsed?["Message"]);
        return message is null
            ? OpenAIError.Parse(statusCode, body)
            : new RelayError(RelayErrorKind.UpstreamStatus, statusCode, message, AnthropicErrors.TypeOf(statusCode), "aws_bedrock_error");
    }
}
