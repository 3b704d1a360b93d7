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

    /// <summary>
    /// The whole body, or the 413 past <paramref name="limit"/>. A <paramref name="pooled"/> body lives in a buffer
    /// rented for the request's life: a large prompt allocated per request would land on the large-object heap, whose
    /// collections cost more than relaying it. Kestrel's buffers are released as the bytes are copied out.
    /// </summary>
    public static async Task<(RequestBody? Body, RelayError? Error)> ReadAsync(HttpRequest request, long limit, bool pooled, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit)
        {
            return (null, RelayError.PayloadTooLarge(limit));
        }
        var body = new RequestBody(pooled, (int)(request.ContentLength ?? 0));
        var reader = request.BodyReader;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(cancellationToken);
                if (body.Length + result.Buffer.Length > limit)
                {
                    reader.AdvanceTo(result.Buffer.Start);
                    body.Dispose();
                    return (null, RelayError.PayloadTooLarge(limit));
                }
                body.Append(result.Buffer);
                reader.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted || result.IsCanceled)
                {
                    return (body, null);
                }
            }
        }
        catch
        {
            body.Dispose();
            throw;
        }
    }

    /// <summary>The body as a JSON object, or the 400 the client gets for anything else.</summary>
    public static (JsonObject? Json, RelayError? Error) ParseObject(ReadOnlyMemory<byte> body)
    {
        // JSON strings are only transcoded when read; invalid UTF-8 must be refused here, not fail deep in a handler.
        if (!Utf8.IsValid(body.Span))
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

/// <summary>A request's body: in an array of its exact size, or in a rented one given back when the request ends.</summary>
public sealed class RequestBody : IDisposable
{
    private readonly bool _pooled;
    private byte[] _buffer;

    public RequestBody(bool pooled, int expectedLength)
    {
        _pooled = pooled;
        _buffer = expectedLength == 0 ? [] : pooled ? ArrayPool<byte>.Shared.Rent(expectedLength) : new byte[expectedLength];
    }

    public int Length { get; private set; }

    public ReadOnlyMemory<byte> Memory => _buffer.AsMemory(0, Length);

    /// <summary>The bytes in an array of their own (the buffer itself when it is exactly theirs and not rented).</summary>
    public byte[] ToArray() => !_pooled && _buffer.Length == Length ? _buffer : Memory.ToArray();

    internal void Append(in ReadOnlySequence<byte> bytes)
    {
        var needed = Length + (int)bytes.Length;
        if (needed > _buffer.Length)
        {
            // Only a body sent without Content-Length, or longer than it said, grows.
            var size = Math.Max(needed, _buffer.Length * 2);
            var larger = _pooled ? ArrayPool<byte>.Shared.Rent(size) : new byte[size];
            var kept = Length;
            _buffer.AsSpan(0, kept).CopyTo(larger);
            Release();
            (_buffer, Length) = (larger, kept);
        }
        bytes.CopyTo(_buffer.AsSpan(Length));
        Length = needed;
    }

    public void Dispose() => Release();

    /// <summary>
    /// Lets go of the buffer without giving it back to the pool: after a send to an upstream was cut off (a timeout,
    /// a client gone), the socket may still be reading it, and a buffer handed to another request meanwhile could
    /// leak that request's bytes. The garbage collector takes it instead.
    /// </summary>
    public void Abandon() => (_buffer, Length) = ([], 0);

    private void Release()
    {
        if (_pooled && _buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
        }
        _buffer = [];
        Length = 0;
    }
}
