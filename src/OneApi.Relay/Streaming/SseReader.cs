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
}

/// <summary>One server-sent event: its <c>event:</c> type ("message" when absent) and its <c>data:</c> bytes.</summary>
public readonly record struct SseEvent(string EventType, byte[] Data)
{
    public bool IsDone => Data.AsSpan().SequenceEqual("[DONE]"u8);
}
