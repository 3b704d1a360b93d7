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
        StringBuilder? text = null;
        foreach (var choice in choices.EnumerateArray())
        {
            if (mode == RelayMode.ChatCompletions && choice.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.Object)
            {
                AppendGenerated(message, ref text);
            }
            else if (choice.TryGetProperty("text", out var completion) && completion.ValueKind == JsonValueKind.String)
            {
                (text ??= new StringBuilder()).Append(completion.GetString());
            }
        }
        return text?.ToString() ?? "";
    }

    /// <summary>
    /// Everything the model generated in a message or a stream delta: content, reasoning (under any provider's name)
    /// and tool calls' names and arguments. All of it is output the upstream bills, so all of it is counted when the
    /// upstream reports no usage.
    /// </summary>
    internal static void AppendGenerated(JsonElement message, ref StringBuilder? text)
    {
        AppendGenerated(message, GeneratedFields.Message, ref text);
        if (message.TryGetProperty("tool_calls"u8, out var calls) && calls.ValueKind == JsonValueKind.Array)
        {
            foreach (var call in calls.EnumerateArray())
            {
                if (call.ValueKind == JsonValueKind.Object && call.TryGetProperty("function"u8, out var function) && function.ValueKind == JsonValueKind.Object)
                {
                    AppendGenerated(function, GeneratedFields.Function, ref text);
                }
            }
        }
        if (message.TryGetProperty("function_call"u8, out var legacy) && legacy.ValueKind == JsonValueKind.Object)
        {
            AppendGenerated(legacy, GeneratedFields.Function, ref text);
        }
    }

    private static void AppendGenerated(JsonElement holder, byte[][] fields, ref StringBuilder? text)
    {
        foreach (var field in fields)
        {
            if (holder.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } piece)
            {
                (text ??= new StringBuilder()).Append(piece);
            }
        }
    }
}

/// <summary>Where a message or a delta carries what the model generated, as its answer and its stream both read it.</summary>
internal static class GeneratedFields
{
    /// <summary>Text, and reasoning under every provider's name.</summary>
    public static readonly byte[][] Message = ["content"u8.ToArray(), "reasoning_content"u8.ToArray(), "reasoning"u8.ToArray(), "thinking"u8.ToArray(), "refusal"u8.ToArray()];

    /// <summary>A tool call's or a legacy function call's.</summary>
    public static readonly byte[][] Function = ["name"u8.ToArray(), "arguments"u8.ToArray()];

    public static bool IsOneOf(ref Utf8JsonReader reader, byte[][] fields)
    {
        foreach (var field in fields)
        {
            if (reader.ValueTextEquals(field))
            {
                return true;
            }
        }
        return false;
    }
}
