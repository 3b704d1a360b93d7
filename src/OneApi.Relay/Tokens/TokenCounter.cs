using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.ML.Tokenizers;

namespace OneApi.Relay.Tokens;

/// <summary>
/// Counts tokens with the model's BPE vocabulary (o200k or cl100k), for answers whose upstream reported no usage:
/// after the answer, never before it (the reservation uses <see cref="PromptEstimate"/>). Vocabularies load on first use.
/// </summary>
public sealed class TokenCounter
{
    // OpenAI's cookbook figures for chat formatting overhead, as one-api uses them.
    private const int TokensPerMessage = 3;
    private const int TokensPerName = 1;
    private const int ReplyPrimer = 3;

    private readonly ConcurrentDictionary<string, Tokenizer> _byEncoding = new();

    // BPE cost grows with the square of a word's length; long texts are counted in slices so that a 300 KB run of
    // one character costs milliseconds, not seconds. A slice ends before a space when one is near (tiktoken's
    // pre-tokens carry their leading space, so prose counts exactly as uncut), and never inside a surrogate pair.
    private const int SliceLength = 4096;
    private const int SliceLookBack = 256;

    public int CountText(string text, string model) => Count(TokenizerFor(model), text);

    /// <summary>
    /// Prompt tokens of a chat request, counted when the upstream reported none: per message its role, text, name,
    /// tool calls (name and arguments), tool call id and replayed reasoning, plus one-api's formatting overhead; each
    /// image or audio part at <see cref="ImageTokens"/> / <see cref="AudioTokens"/>; and the tool and function
    /// declarations as the JSON they are sent as. one-api counted only text, so a 20,000-word tool description was free.
    /// </summary>
    public int CountChatPrompt(JsonObject body, string model)
    {
        var tokenizer = TokenizerFor(model);
        var count = 0;
        if (body["messages"] is JsonArray messages)
        {
            foreach (var message in messages.OfType<JsonObject>())
            {
                count += TokensPerMessage + CountMessage(tokenizer, message);
            }
            count += ReplyPrimer;
        }
        foreach (var declarations in (ReadOnlySpan<string>)["tools", "functions"])
        {
            if (body[declarations] is JsonArray tools && tools.Count > 0)
            {
                count += Count(tokenizer, tools.ToJsonString());
            }
        }
        return count;
    }

    /// <summary>A picture the gateway does not fetch to measure: GPT-4o's price of a 1024×1024 high-detail image (85 for low detail).</summary>
    public const int ImageTokens = 765;

    private const int LowDetailImageTokens = 85;

    /// <summary>An estimate for inline audio: about 20 tokens a second of 16 kHz 16-bit PCM, i.e. one per 1,600 bytes.</summary>
    public static int AudioTokens(int base64Length) => Math.Max(1, base64Length * 3 / 4 / 1_600);

    private static int CountMessage(Tokenizer tokenizer, JsonObject message)
    {
        var count = CountString(tokenizer, message["role"]) + CountContent(tokenizer, message["content"]);
        if (message["name"] is JsonValue name && name.TryGetValue(out string? _))
        {
            count += TokensPerName + CountString(tokenizer, name);
        }
        foreach (var field in (ReadOnlySpan<string>)["tool_call_id", "reasoning_content", "reasoning", "refusal"])
        {
            count += CountString(tokenizer, message[field]);
        }
        if (message["tool_calls"] is JsonArray calls)
        {
            foreach (var call in calls.OfType<JsonObject>())
            {
                count += TokensPerMessage + CountFunction(tokenizer, call["function"] as JsonObject);
            }
        }
        return count + CountFunction(tokenizer, message["function_call"] as JsonObject);
    }

    private static int CountFunction(Tokenizer tokenizer, JsonObject? function) =>
        function is null ? 0 : CountString(tokenizer, function["name"]) + CountString(tokenizer, function["arguments"]);

    private static int CountContent(Tokenizer tokenizer, JsonNode? content)
    {
        if (content is not JsonArray parts)
        {
            return CountString(tokenizer, content);
        }
        var count = 0;
        foreach (var part in parts.OfType<JsonObject>())
        {
            count += part["type"] is JsonValue type && type.TryGetValue(out string? kind) ? kind switch
            {
                "image_url" => part["image_url"] is JsonObject image && image["detail"] is JsonValue detail &&
                    detail.TryGetValue(out string? level) && level == "low" ? LowDetailImageTokens : ImageTokens,
                "input_audio" => AudioTokens((part["input_audio"] as JsonObject)?["data"] is JsonValue data &&
                    data.TryGetValue(out string? audio) ? audio.Length : 0),
                _ => CountString(tokenizer, part["text"]),
            } : CountString(tokenizer, part["text"]);
        }
        return count;
    }

    /// <summary>Prompt tokens of a completions or embeddings input: a string or an array of strings.</summary>
    public int CountInput(JsonNode? input, string model) => input switch
    {
        JsonValue value when value.TryGetValue(out string? text) => CountText(text, model),
        JsonArray items => items.Sum(item => CountInput(item, model)),
        _ => 0,
    };

    private static int CountString(Tokenizer tokenizer, JsonNode? node) =>
        node is JsonValue value && value.TryGetValue(out string? text) ? Count(tokenizer, text) : 0;

    private static int Count(Tokenizer tokenizer, string text)
    {
        if (text.Length <= SliceLength)
        {
            return text.Length == 0 ? 0 : tokenizer.CountTokens(text);
        }
        var count = 0;
        for (var start = 0; start < text.Length;)
        {
            var end = SliceEnd(text, start);
            count += tokenizer.CountTokens(text.AsSpan(start, end - start));
            start = end;
        }
        return count;
    }

    private static int SliceEnd(string text, int start)
    {
        var end = start + SliceLength;
        if (end >= text.Length)
        {
            return text.Length;
        }
        var space = text.LastIndexOf(' ', end - 1, SliceLookBack);
        if (space > start)
        {
            return space;
        }
        return char.IsHighSurrogate(text[end - 1]) ? end - 1 : end;
    }

    private Tokenizer TokenizerFor(string model)
    {
        var encoding = UsesO200k(model) ? "o200k_base" : "cl100k_base";
        return _byEncoding.GetOrAdd(encoding, static name => TiktokenTokenizer.CreateForEncoding(name));
    }

    private static bool UsesO200k(string model) =>
        model.StartsWith("gpt-4o", StringComparison.Ordinal) || model.StartsWith("gpt-4.1", StringComparison.Ordinal) ||
        model.StartsWith("gpt-4.5", StringComparison.Ordinal) || model.StartsWith("gpt-5", StringComparison.Ordinal) ||
        model.StartsWith("o1", StringComparison.Ordinal) || model.StartsWith("o3", StringComparison.Ordinal) ||
        model.StartsWith("o4", StringComparison.Ordinal) || model.StartsWith("chatgpt-4o", StringComparison.Ordinal);
}
