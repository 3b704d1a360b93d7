using System.Text;
using System.Text.Json;
using OneApi.Relay.Abstractions;

namespace OneApi.Relay.OpenAI;

/// <summary>Reads what billing needs from a whole OpenAI-format answer: usage, the completion text, an embedded error.</summary>
public static class OpenAIAnswer
{
    public static UpstreamAnswer Inspect(byte[] body, RelayMode mode)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return Malformed(body, "the body is not a JSON object");
            }
            if (root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object &&
                OpenAIError.ReadString(error, "type") is { Length: > 0 })
            {
                return new UpstreamAnswer(body, null, "", OpenAIError.Parse(500, body));
            }
            return new UpstreamAnswer(body, OpenAIUsage.Read(root), CompletionText(root, mode));
        }
        catch (JsonException e)
        {
            return Malformed(body, e.Message);
        }
    }

    private static UpstreamAnswer Malformed(byte[] body, string detail) =>
        new(body, null, "", RelayError.UpstreamMalformed(detail));

    private static string CompletionText(JsonElement root, RelayMode mode)
    {
        if (!root.TryGetProperty("choices", out var choices) || choices.ValueKind != JsonValueKind.Array)
        {
            return "";
        }
        var text = new StringBuilder();
        foreach (var choice in choices.EnumerateArray())
        {
            if (mode == RelayMode.ChatCompletions && choice.TryGetProperty("message", out var message) &&
                message.ValueKind == JsonValueKind.Object && message.TryGetProperty("content", out var content) &&
                content.ValueKind == JsonValueKind.String)
            {
                text.Append(content.GetString());
            }
            else if (choice.TryGetProperty("text", out var completion) && completion.ValueKind == JsonValueKind.String)
            {
                text.Append(completion.GetString());
            }
        }
        return text.ToString();
    }
}
