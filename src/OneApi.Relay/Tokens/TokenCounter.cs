using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.ML.Tokenizers;

namespace OneApi.Relay.Tokens;

/// <summary>
/// Counts tokens the way one-api does with tiktoken: prompt tokens before a request (to reserve quota) and
/// completion tokens of a stream that reported no usage.
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

    /// <summary>Loads both vocabularies, so that no request pays for it.</summary>
    public void WarmUp()
    {
        CountText("warm up", "gpt-4o");
        CountText("warm up", "gpt-3.5-turbo");
    }

    /// <summary>
    /// Prompt tokens of a chat request as one-api's <c>CountTokenMessages</c> counts them: per message its role, its
    /// text (a string, or the <c>text</c> of each content part) and its name, plus formatting overhead. Other fields
    /// (<c>tool_call_id</c>, <c>tool_calls</c>, <c>refusal</c> …) are not counted.
    /// </summary>
    public int CountChatPrompt(JsonObject body, string model)
    {
        if (body["messages"] is not JsonArray messages)
        {
            return 0;
        }
        var tokenizer = TokenizerFor(model);
        var count = 0;
        foreach (var message in messages.OfType<JsonObject>())
        {
            count += TokensPerMessage + CountString(tokenizer, message["role"]);
            switch (message["content"])
            {
                case JsonValue text:
                    count += CountString(tokenizer, text);
                    break;
                case JsonArray parts:
                    foreach (var part in parts.OfType<JsonObject>())
                    {
                        count += CountString(tokenizer, part["text"]);
                    }
                    break;
            }
            if (message["name"] is JsonValue name && name.TryGetValue(out string? _))
            {
                count += TokensPerName + CountString(tokenizer, name);
            }
        }
        return count + ReplyPrimer;
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
