using System.Buffers;
using System.Text.Unicode;
using System.Text.Json;
using System.Text.Json.Nodes;
using OneApi.Relay.Abstractions;

namespace OneApi.Server.Relay;

/// <summary>Reads a relay request body whole (it is needed for billing and routing), refusing it past the size limit.</summary>
public static class RequestBodyReader
{
    // Duplicate keys are refused up front: JsonObject would otherwise throw on first access, anywhere in the pipeline.
    private static readonly JsonDocumentOptions ParseOptions = new() { MaxDepth = 64, AllowDuplicateProperties = false };

    public static async Task<(byte[]? Body, RelayError? Error)> ReadAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit)
        {
            return (null, RelayError.PayloadTooLarge(limit));
        }
        var reader = request.BodyReader;
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken);
            if (result.Buffer.Length > limit)
            {
                reader.AdvanceTo(result.Buffer.Start);
                return (null, RelayError.PayloadTooLarge(limit));
            }
            if (result.IsCompleted || result.IsCanceled)
            {
                var body = result.Buffer.ToArray();
                reader.AdvanceTo(result.Buffer.End);
                return (body, null);
            }
            reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
    }

    /// <summary>The body as a JSON object, or the 400 the client gets for anything else.</summary>
    public static (JsonObject? Json, RelayError? Error) ParseObject(byte[] body)
    {
        // JSON strings are only transcoded when read; invalid UTF-8 must be refused here, not fail deep in a handler.
        if (!Utf8.IsValid(body))
        {
            return (null, RelayError.InvalidRequest("request body is not valid UTF-8", "invalid_json"));
        }
        try
        {
            // Over the body as it is, not a copy (JsonNode.Parse copies): the nodes read it lazily for the request's life.
            var root = JsonDocument.Parse(body, ParseOptions).RootElement;
            return root.ValueKind == JsonValueKind.Object
                ? (JsonObject.Create(root), null)
                : (null, RelayError.InvalidRequest("request body must be a JSON object", "invalid_json"));
        }
        catch (JsonException e)
        {
            return (null, RelayError.InvalidRequest($"request body is not valid JSON: {e.Message}", "invalid_json"));
        }
    }
}
