using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using OneApi.Relay.Abstractions;
using OneApi.Relay.OpenAI;

namespace OneApi.Relay.Adaptors.Gemini;

/// <summary>
/// <c>streamGenerateContent?alt=sse</c> events, each a partial <c>GenerateContentResponse</c>, → OpenAI chunks.
/// Usage is taken from the event that finishes the candidate: Gemini repeats a running <c>usageMetadata</c> in every
/// event, and a stream cut short must be billed by what was delivered, not by a half count.
/// </summary>
public sealed class FromGeminiStream(RelayRequest request, long created)
{
    private readonly ReasoningFormat _format = ReasoningFormat.For(request);
    private readonly bool _includeUsage = request.AsksForStreamUsage;
    private readonly HashSet<int> _calledTools = [];
    private readonly HashSet<int> _started = [];
    private string _id = "chatcmpl-" + Guid.NewGuid().ToString("N");
    private int _toolIndex;

    public static async IAsyncEnumerable<StreamFrame> ReadAsync(IAsyncEnumerable<ReadOnlyMemory<byte>> events, RelayRequest request, long created,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var translator = new FromGeminiStream(request, created);
        await foreach (var data in events.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            foreach (var frame in translator.Translate(data.Span))
            {
                yield return frame;
                if (frame.Error is not null)
                {
                    yield break;
                }
            }
        }
    }

    /// <summary>The frames for one event: a chunk, and a usage chunk after the last one when the client asked for usage.</summary>
    public IEnumerable<StreamFrame> Translate(ReadOnlySpan<byte> data)
    {
        if (JsonWire.Parse(data) is not { } evt)
        {
            return [];
        }
        if (evt["error"] is JsonObject error)
        {
            return [new StreamFrame(default, Error: GoogleErrors.FromError(500, error))];
        }
        if (JsonWire.String(evt["responseId"]) is { } responseId)
        {
            _id = "chatcmpl-" + responseId;
        }
        if (evt["candidates"] is not JsonArray { Count: > 0 } candidates)
        {
            return evt["promptFeedback"] is JsonObject ? [new StreamFrame(default, Error: FromGeminiAnswer.Blocked(evt))] : [];
        }
        var choices = new JsonArray();
        var text = "";
        var finished = false;
        foreach (var (candidate, i) in candidates.OfType<JsonObject>().Select((c, i) => (c, i)))
        {
            var index = JsonWire.Int(candidate["index"]) ?? i;
            var parts = GeminiParts.Read(candidate);
            text += parts.Generated;
            var delta = new JsonObject();
            if (_started.Add(index))
            {
                delta["role"] = "assistant";
            }
            if (parts.Text.Length > 0)
            {
                delta["content"] = parts.Text;
            }
            if (parts.Reasoning.Length > 0)
            {
                delta[_format.Field] = parts.Reasoning;
            }
            if (parts.ToolCalls.Count > 0)
            {
                _calledTools.Add(index);
                foreach (var call in parts.ToolCalls.OfType<JsonObject>())
                {
                    call["index"] = _toolIndex++;
                }
                delta["tool_calls"] = parts.ToolCalls;
            }
            // OpenAI's chunk schema requires finish_reason on every choice: null until the last.
            var choice = new JsonObject { ["index"] = index, ["delta"] = delta, ["finish_reason"] = null };
            if (JsonWire.String(candidate["finishReason"]) is { } reason)
            {
                choice["finish_reason"] = GeminiParts.FinishReason(reason, _calledTools.Contains(index));
                finished = true;
            }
            choices.Add(choice);
        }
        var usage = finished ? GeminiUsage.Read(evt["usageMetadata"]) : null;
        var frames = new List<StreamFrame> { new(JsonWire.Serialize(Chunk(choices)), usage?.ToUsage(), text) };
        if (usage is { } final && _includeUsage)
        {
            var usageChunk = Chunk([]);
            usageChunk["usage"] = final.ToOpenAI();
            // Billed from either frame; the client API drops this one when only the gateway asked for usage.
            frames.Add(new StreamFrame(JsonWire.Serialize(usageChunk), final.ToUsage()));
        }
        return frames;
    }

    private JsonObject Chunk(JsonArray choices) => new()
    {
        ["id"] = _id,
        ["object"] = "chat.completion.chunk",
        ["created"] = created,
        ["model"] = request.Model,
        ["choices"] = choices,
    };
}
