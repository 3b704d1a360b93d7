using System.Text.Json.Nodes;
using OneApi.Relay.Abstractions;

namespace OneApi.Relay.OpenAI;

/// <summary>
/// The field a reasoning model's thoughts are given in, chosen with the URL parameter <c>?reasoning_format=</c>:
/// <c>reasoning_content</c> (DeepSeek's), <c>reasoning</c> (OpenRouter's, the default) or <c>thinking</c> (Claude's).
/// </summary>
public readonly record struct ReasoningFormat(string Field)
{
    public const string QueryParameter = "reasoning_format";

    public static readonly ReasoningFormat ReasoningContent = new("reasoning_content");
    public static readonly ReasoningFormat Reasoning = new("reasoning");
    public static readonly ReasoningFormat Thinking = new("thinking");

    /// <summary>Every field providers put reasoning text in.</summary>
    public static readonly string[] Fields = [ReasoningContent.Field, Reasoning.Field, Thinking.Field];

    /// <summary>The format the client asked for, case-insensitive; null when it asked for none or for an unknown one (one-api ignores those).</summary>
    public static ReasoningFormat? Requested(RelayRequest request) =>
        request.Query.TryGetValue(QueryParameter, out var value) ? value.Trim().ToLowerInvariant() switch
        {
            "reasoning_content" => ReasoningContent,
            "reasoning" => Reasoning,
            "thinking" => Thinking,
            _ => null,
        } : null;

    /// <summary>The field converting adaptors write reasoning to: the requested one, else <c>reasoning</c> as in one-api.</summary>
    public static ReasoningFormat For(RelayRequest request) => Requested(request) ?? Reasoning;

    /// <summary>
    /// Moves the reasoning text of one <c>delta</c> or <c>message</c> object into this format's field.
    /// Only string values move: OpenRouter's structured <c>reasoning_details</c> and Claude-style thinking blocks stay as they are.
    /// </summary>
    public bool Apply(JsonObject holder)
    {
        var changed = false;
        foreach (var field in Fields)
        {
            if (field == Field || !holder.TryGetPropertyValue(field, out var value))
            {
                continue;
            }
            if (value is null)
            {
                // DeepSeek sends "reasoning_content": null beside content; the client asked for another field only.
                holder.Remove(field);
                changed = true;
                continue;
            }
            if (JsonWire.String(value) is not { } text)
            {
                continue;
            }
            holder.Remove(field);
            holder[Field] = JsonWire.String(holder[Field]) is { } existing ? existing + text : text;
            changed = true;
        }
        return changed;
    }

    /// <summary>
    /// Rewrites an OpenAI answer or chunk so every choice's reasoning is in this format's field; returns the bytes
    /// unchanged (the same instance) when nothing had to move. A cheap byte scan skips chunks that carry no reasoning.
    /// </summary>
    public ReadOnlyMemory<byte> Rewrite(ReadOnlyMemory<byte> json)
    {
        var span = json.Span;
        if (span.IndexOf("\"reasoning"u8) < 0 && span.IndexOf("\"thinking\""u8) < 0)
        {
            return json;
        }
        if (JsonWire.Parse(span) is not { } root || root["choices"] is not JsonArray choices)
        {
            return json;
        }
        var changed = false;
        foreach (var choice in choices.OfType<JsonObject>())
        {
            foreach (var name in (ReadOnlySpan<string>)["delta", "message"])
            {
                if (choice[name] is JsonObject holder)
                {
                    changed |= Apply(holder);
                }
            }
        }
        return changed ? JsonWire.Serialize(root) : json;
    }
}
