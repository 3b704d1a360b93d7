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

    private static string? DeltaText(JsonElement choices, RelayMode mode)
    {
        StringBuilder? text = null;
        foreach (var choice in choices.EnumerateArray())
        {
            var piece = mode == RelayMode.ChatCompletions
                ? choice.TryGetProperty("delta", out var delta) && delta.ValueKind == JsonValueKind.Object ? StringOf(delta, "content") : null
                : StringOf(choice, "text");
            if (!string.IsNullOrEmpty(piece))
            {
                (text ??= new StringBuilder()).Append(piece);
            }
        }
        return text?.ToString();
    }

    private static string? StringOf(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
