using System.Text.Json.Nodes;
using OneApi.Relay.Abstractions;
using OneApi.Relay.OpenAI;

namespace OneApi.Relay.Adaptors.VertexAI;

/// <summary>
/// Imagen on Vertex AI (https://cloud.google.com/vertex-ai/generative-ai/docs/model-reference/imagen-api): OpenAI's
/// <c>images/generations</c> as a <c>predict</c> call, and its predictions back as <c>b64_json</c> images, the only
/// form Imagen gives (one-api refused requests asking for URLs; here they get the bytes too).
/// </summary>
public sealed class ImagenFormat(TimeProvider? time = null) : IWireFormat, IMediaFormat
{
    private static readonly Dictionary<string, string> AspectRatios = new(StringComparer.Ordinal)
    {
        ["1024x1024"] = "1:1", ["256x256"] = "1:1", ["512x512"] = "1:1",
        ["1792x1024"] = "16:9", ["1024x1792"] = "9:16", ["1536x1024"] = "3:2", ["1024x1536"] = "2:3",
        ["1408x768"] = "16:9", ["768x1408"] = "9:16", ["1280x896"] = "4:3", ["896x1280"] = "3:4",
    };

    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public WireFormatKind Kind => WireFormatKind.Imagen;

    public bool Claims(string model) => model.StartsWith("imagen", StringComparison.Ordinal);

    public bool Supports(RelayMode mode) => mode == RelayMode.ImagesGenerations;

    public ValueTask<UpstreamPayload> ToUpstreamAsync(RelayRequest request, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Payload(request.Body, request.Model));

    public async ValueTask<UpstreamPayload> ToMediaUpstreamAsync(RelayMode mode, string model, HttpContent body, CancellationToken cancellationToken)
    {
        var json = JsonWire.Parse(await body.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false)) ??
            throw new RelayErrorException(RelayError.InvalidRequest("the image request is not a JSON object"));
        return Payload(json, model);
    }

    private static UpstreamPayload Payload(JsonObject request, string model)
    {
        var parameters = new JsonObject { ["sampleCount"] = JsonWire.Int(request["n"]) is > 0 and var n ? n : 1 };
        if (JsonWire.String(request["size"]) is { } size && AspectRatios.TryGetValue(size, out var ratio))
        {
            parameters["aspectRatio"] = ratio;
        }
        var body = new JsonObject
        {
            ["instances"] = new JsonArray(new JsonObject { ["prompt"] = JsonWire.String(request["prompt"]) ?? "" }),
            ["parameters"] = parameters,
        };
        return new UpstreamPayload(WireFormatKind.Imagen, RelayMode.ImagesGenerations, model, Stream: false) { Json = body };
    }

    public async Task<UpstreamAnswer> ReadAnswerAsync(HttpResponseMessage response, RelayRequest request, CancellationToken cancellationToken) =>
        await ReadAsync(response, cancellationToken).ConfigureAwait(false);

    public async Task<UpstreamAnswer?> ReadMediaAnswerAsync(HttpResponseMessage response, RelayMode mode, CancellationToken cancellationToken) =>
        await ReadAsync(response, cancellationToken).ConfigureAwait(false);

    /// <summary><c>{"predictions":[{"bytesBase64Encoded","mimeType"}]}</c> → <c>{"created","data":[{"b64_json"}]}</c>.</summary>
    private async Task<UpstreamAnswer> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        if (JsonWire.Parse(body)?["predictions"] is not JsonArray predictions)
        {
            return new UpstreamAnswer(body, null, "", RelayError.UpstreamMalformed("the answer has no predictions"));
        }
        var data = predictions.OfType<JsonObject>()
            .Select(p => (JsonNode?)new JsonObject { ["b64_json"] = JsonWire.String(p["bytesBase64Encoded"]) ?? "" });
        var openAI = new JsonObject { ["created"] = _time.GetUtcNow().ToUnixTimeSeconds(), ["data"] = new JsonArray(data.ToArray()) };
        return new UpstreamAnswer(JsonWire.Serialize(openAI), null, "");
    }

    /// <summary>Imagen answers once; there is no stream to read.</summary>
    public IAsyncEnumerable<StreamFrame> ReadStreamAsync(IAsyncEnumerable<ReadOnlyMemory<byte>> events, RelayRequest request, CancellationToken cancellationToken) =>
        throw new NotSupportedException("Imagen does not stream");

    public RelayError ReadError(int statusCode, ReadOnlySpan<byte> body) => Gemini.GoogleErrors.Read(statusCode, body);
}
