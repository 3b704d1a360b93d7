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

    /// <summary>How long a body waits for room in the <see cref="BodyMemoryBudget"/> before the client gets 503.</summary>
    public static readonly TimeSpan BudgetPatience = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The whole body, or the 413 past <paramref name="limit"/>. With a <paramref name="budget"/>, the body lives in a
    /// buffer rented for the request's life and counted against the budget: a large prompt allocated per request
    /// would land on the large-object heap, whose collections cost more than relaying it. Kestrel's buffers are
    /// released as the bytes are copied out.
    /// </summary>
    public static async Task<(RequestBody? Body, RelayError? Error)> ReadAsync(HttpRequest request, long limit, BodyMemoryBudget? budget,
        CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit)
        {
            return (null, RelayError.PayloadTooLarge(limit));
        }
        var body = new RequestBody(budget);
        try
        {
            if (!await body.ReserveAsync(request.ContentLength ?? 0, cancellationToken))
            {
                return (null, RelayError.Overloaded());
            }
            var reader = request.BodyReader;
            while (true)
            {
                var result = await reader.ReadAsync(cancellationToken);
                if (body.Length + result.Buffer.Length > limit)
                {
                    reader.AdvanceTo(result.Buffer.Start);
                    body.Dispose();
                    return (null, RelayError.PayloadTooLarge(limit));
                }
                if (!await body.AppendAsync(result.Buffer, cancellationToken))
                {
                    reader.AdvanceTo(result.Buffer.Start);
                    body.Dispose();
                    return (null, RelayError.Overloaded());
                }
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

/// <summary>
/// A request's body: in an array of its exact size, or (with a <see cref="BodyMemoryBudget"/>) in a rented one, given
/// back with its share of the budget when the request ends.
/// </summary>
public sealed class RequestBody(BodyMemoryBudget? budget) : IDisposable
{
    private byte[] _buffer = [];
    private long _reserved;

    public int Length { get; private set; }

    public ReadOnlyMemory<byte> Memory => _buffer.AsMemory(0, Length);

    /// <summary>The bytes in an array of their own (the buffer itself when it is exactly theirs and not rented).</summary>
    public byte[] ToArray() => budget is null && _buffer.Length == Length ? _buffer : Memory.ToArray();

    /// <summary>Makes room for <paramref name="bytes"/> (what Content-Length announced); false when the budget had none in time.</summary>
    internal async ValueTask<bool> ReserveAsync(long bytes, CancellationToken cancellationToken)
    {
        if (bytes <= _buffer.Length)
        {
            return true;
        }
        if (budget is not null)
        {
            var size = budget.BufferSize(bytes);
            if (!await budget.TryAcquireAsync(size - _reserved, RequestBodyReader.BudgetPatience, cancellationToken))
            {
                return false;
            }
            _reserved = size;
        }
        var larger = budget is not null ? budget.Buffers.Rent((int)bytes) : new byte[bytes];
        var kept = Length;
        _buffer.AsSpan(0, kept).CopyTo(larger);
        ReturnBuffer();
        (_buffer, Length) = (larger, kept);
        return true;
    }

    internal async ValueTask<bool> AppendAsync(ReadOnlySequence<byte> bytes, CancellationToken cancellationToken)
    {
        var needed = Length + (int)bytes.Length;
        // Only a body sent without Content-Length, or longer than it said, grows: by doubling, so it is copied rarely.
        if (needed > _buffer.Length && !await ReserveAsync(Math.Max(needed, _buffer.Length * 2L), cancellationToken))
        {
            return false;
        }
        bytes.CopyTo(_buffer.AsSpan(Length));
        Length = needed;
        return true;
    }

    /// <summary>
    /// Gives the body's share of the budget back while keeping the bytes: the budget bounds bodies on their way in and
    /// up, the burst; a body whose upstream is answering is part of a request in flight like any other state.
    /// </summary>
    public void LeaveBudget()
    {
        budget?.Release(_reserved);
        _reserved = 0;
    }

    public void Dispose()
    {
        ReturnBuffer();
        Forget();
    }

    /// <summary>
    /// Lets go of the buffer without giving it back to the pool: after a send to an upstream was cut off (a timeout,
    /// a client gone), the socket may still be reading it, and a buffer handed to another request meanwhile could
    /// leak that request's bytes. The garbage collector takes it instead.
    /// </summary>
    public void Abandon() => Forget();

    private void ReturnBuffer()
    {
        if (budget is not null && _buffer.Length > 0)
        {
            budget.Buffers.Return(_buffer);
        }
    }

    private void Forget()
    {
        LeaveBudget();
        (_buffer, Length) = ([], 0);
    }
}
