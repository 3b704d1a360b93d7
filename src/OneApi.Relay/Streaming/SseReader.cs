using System.Buffers;
using System.IO.Pipelines;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;

namespace OneApi.Relay.Streaming;

/// <summary>Reads an upstream SSE stream event by event. Lines of any length are accepted (one-api capped them at 1 MiB).</summary>
public static class SseReader
{
    public const string DoneMarker = "[DONE]";

    public static async IAsyncEnumerable<SseEvent> ReadAsync(Stream stream, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var parser = SseParser.Create(stream, static (eventType, data) => new SseEvent(eventType, data.ToArray()));
        await foreach (var item in parser.EnumerateAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return item.Data;
        }
    }

    /// <summary>Only the <c>data:</c> payloads, which is all the wire formats read: each its own array, no event in between.</summary>
    public static async IAsyncEnumerable<ReadOnlyMemory<byte>> DataAsync(Stream stream, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var parser = SseParser.Create(stream, static (_, data) => data.ToArray());
        await foreach (var item in parser.EnumerateAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return item.Data;
        }
    }

    /// <summary>
    /// The events of a stream, or, when the body is a lone JSON object instead, that object as one unnamed event:
    /// some providers (Tencent, Coze) refuse a stream request with a JSON error and a 200.
    /// </summary>
    public static async IAsyncEnumerable<SseEvent> ReadOrJsonAsync(Stream stream, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var reader = PipeReader.Create(stream, new StreamPipeReaderOptions(leaveOpen: true));
        var first = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        var isJson = StartsWithBrace(first.Buffer);
        reader.AdvanceTo(first.Buffer.Start);
        if (isJson)
        {
            var whole = await reader.ReadAtLeastAsync(int.MaxValue, cancellationToken).ConfigureAwait(false);
            yield return new SseEvent("message", whole.Buffer.ToArray());
            reader.AdvanceTo(whole.Buffer.End);
            yield break;
        }
        await foreach (var sse in ReadAsync(reader.AsStream(leaveOpen: true), cancellationToken).ConfigureAwait(false))
        {
            yield return sse;
        }
    }

    /// <summary>The <c>data:</c> payloads of <see cref="ReadOrJsonAsync"/>.</summary>
    public static async IAsyncEnumerable<ReadOnlyMemory<byte>> DataOrJsonAsync(Stream stream, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var sse in ReadOrJsonAsync(stream, cancellationToken).ConfigureAwait(false))
        {
            yield return sse.Data;
        }
    }

    private static bool StartsWithBrace(ReadOnlySequence<byte> buffer)
    {
        foreach (var segment in buffer)
        {
            foreach (var b in segment.Span)
            {
                if (b is not ((byte)' ' or (byte)'\r' or (byte)'\n' or (byte)'\t'))
                {
                    return b == (byte)'{';
                }
            }
        }
        return false;
    }

    public static bool IsDone(ReadOnlySpan<byte> data) => data.SequenceEqual("[DONE]"u8);
}

/// <summary>One server-sent event: its <c>event:</c> type ("message" when absent) and its <c>data:</c> bytes.</summary>
public readonly record struct SseEvent(string EventType, byte[] Data)
{
    public bool IsDone => SseReader.IsDone(Data);
}
