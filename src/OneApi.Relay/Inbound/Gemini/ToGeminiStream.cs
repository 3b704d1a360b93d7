using System.Text;
using System.Text.Json.Nodes;
using OneApi.Relay.Abstractions;
using OneApi.Relay.Inbound.Anthropic;
using OneApi.Relay.OpenAI;

namespace OneApi.Relay.Inbound.Gemini;

/// <summary>
/// OpenAI chunks → <c>streamGenerateContent?alt=sse</c> events, each a partial <c>GenerateContentResponse</c>
/// (https://ai.google.dev/api/generate-content#method:-models.streamgeneratecontent): thoughts and text as they come;
/// function calls whole, as Gemini sends them, in the last event with the finish reason and <c>usageMetadata</c>.
/// </summary>
public sealed class ToGeminiStream(string model) : ChatChunkTranslator
{
    private readonly SortedDictionary<int, (string? Id, string? Name, StringBuilder Arguments)> _calls = [];
    private string? _id;
    private string _model = model;

    public override IEnumerable<StreamFrame> Finish()
    {
        var parts = new JsonArray();
        foreach (var (id, name, arguments) in _calls.Values)
        {
            parts.Add(ToGeminiAnswer.FunctionCall(id, name, arguments.ToString()));
        }
        if (parts.Count == 0)
        {
            parts.Add(new JsonObject { ["text"] = "" });
        }
        var last = ToGeminiAnswer.Response(new JsonArray(ToGeminiAnswer.Candidate(parts, FinishReason ?? "stop", 0)), ChatUsage, _model, _id);
        return EventFrames.Of([last], null, null, null);
    }

    protected override JsonObject ErrorEvent(RelayError error) => GeminiClientApi.ErrorBody(error, "");

    protected override void Start(List<JsonObject> events, JsonObject? chunk)
    {
        _id ??= JsonWire.String(chunk?["id"]);
        _model = JsonWire.String(chunk?["model"]) ?? _model;
    }

    protected override void Delta(List<JsonObject> events, JsonObject delta)
    {
        var parts = new JsonArray();
        if (ToAnthropicAnswer.ReasoningText(delta) is { Length: > 0 } reasoning)
        {
            parts.Add(ToGeminiAnswer.Thought(reasoning));
        }
        if (JsonWire.String(delta["content"]) is { Length: > 0 } text)
        {
            parts.Add(new JsonObject { ["text"] = text });
        }
        foreach (var call in (delta["tool_calls"] as JsonArray)?.OfType<JsonObject>() ?? [])
        {
            Buffer(call);
        }
        if (parts.Count > 0)
        {
            events.Add(ToGeminiAnswer.Response(new JsonArray(ToGeminiAnswer.Candidate(parts, null, 0)), null, _model, _id));
        }
    }

    /// <summary>OpenAI streams a call's arguments in pieces; Gemini clients get the call once it is whole.</summary>
    private void Buffer(JsonObject call)
    {
        var index = JsonWire.Int(call["index"]) ?? 0;
        var function = call["function"] as JsonObject;
        var (id, name, arguments) = _calls.TryGetValue(index, out var known) ? known : (null, null, new StringBuilder());
        arguments.Append(JsonWire.String(function?["arguments"]));
        _calls[index] = (id ?? JsonWire.String(call["id"]), name ?? JsonWire.String(function?["name"]), arguments);
    }
}
