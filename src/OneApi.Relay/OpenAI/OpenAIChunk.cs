using System.Text;
using System.Text.Json;
using OneApi.Relay.Abstractions;

namespace OneApi.Relay.OpenAI;

/// <summary>Reads what billing needs from one OpenAI stream chunk, and decides whether the client gets it.</summary>
public static class OpenAIChunk
{
    /// <summary>
    /// The frame to forward for one <c>data:</c> payload, or null for a chunk with neither choices nor usage
    /// (Azure's content-filter chunks), which one-api drops. A payload that is not JSON is forwarded as it is.
    /// </summary>
    public static StreamFrame? Inspect(byte[] data, RelayMode mode)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(data);
        }
        catch (JsonException)
        {
            return new StreamFrame(data);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return new StreamFrame(data);
            }
            if (root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
            {
                return new StreamFrame(data, Error: OpenAIError.Parse(500, data));
            }
            var usage = OpenAIUsage.Read(root);
            var hasChoices = root.TryGetProperty("choices", out var choices) && choices.ValueKind == JsonValueKind.Array && choices.GetArrayLength() > 0;
            if (!hasChoices && usage is null)
            {
                return null;
            }
            return new StreamFrame(data, usage, hasChoices ? DeltaText(choices, mode) : null);
        }
    }

    /// <summary>A chunk with no choices: the one that carries the stream's usage at its end.</summary>
    public static bool IsUsageOnly(ReadOnlySpan<byte> data)
    {
        var reader = new Utf8JsonReader(data);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isChoices = reader.ValueTextEquals("choices"u8);
                reader.Read();
                if (isChoices)
                {
                    return reader.TokenType == JsonTokenType.StartArray && reader.Read() && reader.TokenType == JsonTokenType.EndArray;
                }
                reader.Skip();
            }
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>What the chunk adds to the answer, for a count when no usage comes: text, reasoning and tool calls.</summary>
    private static string? DeltaText(JsonElement choices, RelayMode mode)
    {
        StringBuilder? text = null;
        foreach (var choice in choices.EnumerateArray())
        {
            if (mode == RelayMode.ChatCompletions)
            {
                if (choice.TryGetProperty("delta", out var delta) && delta.ValueKind == JsonValueKind.Object)
                {
                    OpenAIAnswer.AppendGenerated(delta, ref text);
                }
            }
            else if (StringOf(choice, "text") is { Length: > 0 } piece)
            {
                (text ??= new StringBuilder()).Append(piece);
            }
        }
        return text?.ToString();
    }

    private static string? StringOf(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
