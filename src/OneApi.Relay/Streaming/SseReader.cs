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

    /// <summary>Only the <c>data:</c> payloads, which is all the wire formats read.</summary>
    public static async IAsyncEnumerable<ReadOnlyMemory<byte>> DataAsync(Stream stream, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var sse in ReadAsync(stream, cancellationToken).ConfigureAwait(false))
        {
            yield return sse.Data;
        }
    }

    public static bool IsDone(ReadOnlySpan<byte> data) => data.SequenceEqual("[DONE]"u8);
}

/// <summary>One server-sent event: its <c>event:</c> type ("message" when absent) and its <c>data:</c> bytes.</summary>
public readonly record struct SseEvent(string EventType, byte[] Data)
{
    public bool IsDone => SseReader.IsDone(Data);
}
