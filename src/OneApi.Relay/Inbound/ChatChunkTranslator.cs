using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using OneApi.Relay.Abstractions;
using OneApi.Relay.OpenAI;

namespace OneApi.Relay.Inbound;

/// <summary>
/// Turns a converted channel's OpenAI chunks into another API's named stream events. The reading of chunks (usage,
/// the first choice's delta, its finish reason) is shared; each client API writes its own events.
/// </summary>
public abstract class ChatChunkTranslator
{
    /// <summary>The chat finish reason, once a chunk gave it.</summary>
    protected string? FinishReason { get; private set; }

    /// <summary>The chat usage object, once a chunk gave it.</summary>
    protected JsonObject? ChatUsage { get; private set; }

    /// <summary>Every chunk's events, then the closing ones; stops after an error.</summary>
    public async IAsyncEnumerable<StreamFrame> TranslateAsync(IAsyncEnumerable<StreamFrame> chunks, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var chunk in chunks.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            foreach (var frame in Translate(chunk))
            {
                yield return frame;
            }
            if (chunk.Error is not null)
            {
                yield break;
            }
        }
        foreach (var frame in Finish())
        {
            yield return frame;
        }
    }

    /// <summary>The events for one chunk; billing data stays on the first frame (or on an empty one when there is none).</summary>
    public IEnumerable<StreamFrame> Translate(StreamFrame chunk)
    {
        var events = new List<JsonObject>();
        if (chunk.Error is { } error)
        {
            events.Add(ErrorEvent(error));
        }
        else if (JsonWire.Parse(chunk.Data.Span) is { } json)
        {
            Start(events, json);
            if (json["usage"] is JsonObject usage)
            {
                ChatUsage = usage;
            }
            if ((json["choices"] as JsonArray)?.FirstOrDefault() is JsonObject choice)
            {
                if (choice["delta"] is JsonObject delta)
                {
                    Delta(events, delta);
                }
                FinishReason = JsonWire.String(choice["finish_reason"]) ?? FinishReason;
            }
        }
        return Frames(events, chunk.Usage, chunk.Text, chunk.Error);
    }

    /// <summary>The closing events, once the upstream stream has ended.</summary>
    public abstract IEnumerable<StreamFrame> Finish();

    protected abstract JsonObject ErrorEvent(RelayError error);

    /// <summary>The opening events, on the first chunk (or at <see cref="Finish"/> when none came, with a null chunk).</summary>
    protected abstract void Start(List<JsonObject> events, JsonObject? chunk);

    protected abstract void Delta(List<JsonObject> events, JsonObject delta);

    protected virtual IEnumerable<StreamFrame> Frames(List<JsonObject> events, Usage? usage, string? text, RelayError? error) =>
        EventFrames.Of(events, usage, text, error);
}
