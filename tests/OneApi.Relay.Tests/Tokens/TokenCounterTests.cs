using System.Text.Json.Nodes;
using OneApi.Relay.Tokens;

namespace OneApi.Relay.Tests.Tokens;

// Expected counts are tiktoken's (checked with js-tiktoken 1.x, cl100k_base and o200k_base), not this tokenizer's own output.
public sealed class TokenCounterTests
{
    private readonly TokenCounter _counter = new();

    private static JsonObject Chat(string messagesJson) => JsonNode.Parse($$"""{"model":"x","messages":{{messagesJson}}}""")!.AsObject();

    [Theory]
    [InlineData("gpt-4o")]
    [InlineData("gpt-4o-mini")]
    [InlineData("gpt-3.5-turbo")]
    [InlineData("gpt-4")]
    [InlineData("some-unknown-model")]
    public void HelloWorld_IsTwoTokens(string model)
    {
        Assert.Equal(2, _counter.CountText("hello world", model));
        Assert.Equal(2, _counter.CountText("Hello world", model));
    }

    [Theory]
    [InlineData("gpt-4o", 6)]
    [InlineData("gpt-3.5-turbo", 6)]
    public void CookbookSamples_MatchTiktoken(string model, int expected)
    {
        Assert.Equal(expected, _counter.CountText("tiktoken is great!", model));
        Assert.Equal(expected, _counter.CountText("antidisestablishmentarianism", model));
    }

    [Theory]
    [InlineData("gpt-4o", 3)]            // o200k_base
    [InlineData("gpt-4o-2024-08-06", 3)]
    [InlineData("chatgpt-4o-latest", 3)]
    [InlineData("gpt-4.1-mini", 3)]
    [InlineData("o3-mini", 3)]
    [InlineData("gpt-3.5-turbo", 6)]     // cl100k_base
    [InlineData("gpt-4-turbo", 6)]
    [InlineData("text-embedding-3-small", 6)]
    public void ChineseText_CountDependsOnModelEncoding(string model, int expected)
    {
        Assert.Equal(expected, _counter.CountText("你好，世界", model));
    }

    [Theory]
    [InlineData("gpt-3.5-turbo")]
    [InlineData("gpt-4o")]
    public void LongProse_CountsLikeTiktoken(string model)
    {
        // 12,000 characters: longer than one counting slice.
        var text = string.Concat(Enumerable.Repeat("hello world ", 1000));

        Assert.Equal(2001, _counter.CountText(text, model));
    }

    [Theory]
    [InlineData("gpt-3.5-turbo", 6001)]
    [InlineData("gpt-4o", 3001)]
    public void LongEmojiRun_DoesNotSplitSurrogatePairs(string model, int expected)
    {
        // "a" then 3000 emoji: a slice of 4096 UTF-16 units would end between the halves of a pair.
        var text = "a" + string.Concat(Enumerable.Repeat("😀", 3000));

        Assert.Equal(expected, _counter.CountText(text, model));
    }

    [Fact]
    public void HugeSingleCharacterRun_IsCountedQuickly()
    {
        var started = System.Diagnostics.Stopwatch.StartNew();

        var count = _counter.CountText(new string('A', 300_000), "gpt-4o");

        Assert.InRange(count, 30_000, 80_000);
        // Quadratic BPE would take minutes; the bound leaves room for a loaded machine.
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(30), $"took {started.Elapsed}");
    }

    [Fact]
    public void EmptyText_IsZero()
    {
        Assert.Equal(0, _counter.CountText("", "gpt-4o"));
    }

    [Theory]
    [InlineData("gpt-4o")]
    [InlineData("gpt-3.5-turbo")]
    public void ChatPrompt_IsThreePerMessagePlusRoleAndContentPlusThreePrimer(string model)
    {
        var body = Chat("""
            [{"role":"system","content":"You are a helpful assistant."},
             {"role":"user","content":"Hello, how are you?"}]
            """);

        // (3 + "system" 1 + 6) + (3 + "user" 1 + 6) + 3
        Assert.Equal(23, _counter.CountChatPrompt(body, model));
    }

    [Fact]
    public void ChatPrompt_WithName_AddsOnePlusNameTokens()
    {
        var body = Chat("""[{"role":"user","name":"bob","content":"hello world"}]""");

        // 3 + "user" 1 + "hello world" 2 + (1 + "bob" 1) + 3
        Assert.Equal(11, _counter.CountChatPrompt(body, "gpt-4o"));
    }

    [Fact]
    public void ChatPrompt_ArrayContent_CountsTextParts()
    {
        var body = Chat("""
            [{"role":"user","content":[{"type":"text","text":"hello world"},{"type":"text","text":"What is in this image?"}]}]
            """);

        // 3 + "user" 1 + 2 + 6 + 3
        Assert.Equal(15, _counter.CountChatPrompt(body, "gpt-4o"));
    }

    [Fact]
    public void ChatPrompt_ToolMessage_CountsItsCallIdToo()
    {
        // one-api counted a message's role, content and name only; the call id is sent upstream and billed there.
        var body = Chat("""[{"role":"tool","tool_call_id":"call_abc123","content":"It is 22 degrees and sunny."}]""");

        // 3 + "tool" 1 + 8 + 3, plus the id
        Assert.Equal(15 + _counter.CountText("call_abc123", "gpt-4o"), _counter.CountChatPrompt(body, "gpt-4o"));
    }

    [Fact]
    public void ChatPrompt_ToolCalls_CountTheirNamesAndArguments()
    {
        var body = Chat("""
            [{"role":"assistant","content":null,"tool_calls":[{"id":"call_abc123","type":"function","function":{"name":"f","arguments":"{}"}}]}]
            """);

        // 3 + "assistant" 1 + 3, plus 3 per call + "f" 1 + "{}" 1
        Assert.Equal(12, _counter.CountChatPrompt(body, "gpt-4o"));
    }

    [Fact]
    public void ChatPrompt_ToolDeclarations_CountAsTheJsonSent()
    {
        var description = string.Join(' ', Enumerable.Repeat("weather", 20_000));
        var tools = """[{"type":"function","function":{"name":"get_weather","description":""" + "\"" + description + "\"" +
            ""","parameters":{"type":"object"}}}]""";
        var body = JsonNode.Parse($$"""{"messages":[{"role":"user","content":"hi"}],"tools":{{tools}}}""")!.AsObject();

        var count = _counter.CountChatPrompt(body, "gpt-4o");

        Assert.Equal(_counter.CountChatPrompt(Chat("""[{"role":"user","content":"hi"}]"""), "gpt-4o") + _counter.CountText(tools, "gpt-4o"), count);
        Assert.True(count > 20_000, $"a 20,000-word tool description counted as {count}");
    }

    [Fact]
    public void ChatPrompt_ImagesAndAudio_CountPerPart()
    {
        var audio = Convert.ToBase64String(new byte[32_000]);
        var body = Chat($$$"""
            [{"role":"user","content":[
              {"type":"image_url","image_url":{"url":"https://example.com/a.png"}},
              {"type":"image_url","image_url":{"url":"https://example.com/b.png","detail":"low"}},
              {"type":"input_audio","input_audio":{"data":"{{{audio}}}","format":"wav"}}]}]
            """);

        // 3 + "user" 1 + 765 + 85 + 32,000 bytes / 1,600 + 3
        Assert.Equal(3 + 1 + 765 + 85 + 20 + 3, _counter.CountChatPrompt(body, "gpt-4o"));
    }

    [Fact]
    public void ChatPrompt_NoMessages_IsZero()
    {
        Assert.Equal(0, _counter.CountChatPrompt(JsonNode.Parse("""{"model":"gpt-4o"}""")!.AsObject(), "gpt-4o"));
    }

    [Fact]
    public void Input_StringOrArray_SumsTexts()
    {
        Assert.Equal(2, _counter.CountInput(JsonValue.Create("hello world"), "text-embedding-3-small"));
        Assert.Equal(8, _counter.CountInput(JsonNode.Parse("""["hello world","tiktoken is great!"]"""), "text-embedding-3-small"));
        Assert.Equal(0, _counter.CountInput(null, "text-embedding-3-small"));
    }
}
