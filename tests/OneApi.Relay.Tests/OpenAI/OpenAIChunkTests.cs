using System.Text;
using OneApi.Relay.Abstractions;
using OneApi.Relay.OpenAI;

namespace OneApi.Relay.Tests.OpenAI;

/// <summary>What billing reads from each chunk of an OpenAI stream, and which chunks the client gets.</summary>
public sealed class OpenAIChunkTests
{
    private static StreamFrame? Inspect(string json, RelayMode mode = RelayMode.ChatCompletions) => OpenAIChunk.Inspect(Encoding.UTF8.GetBytes(json), mode);

    private const string Head = """{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","system_fingerprint":null""";

    [Fact]
    public void ADelta_IsForwarded_WithItsText()
    {
        var frame = Inspect(Head + ""","choices":[{"index":0,"delta":{"role":"assistant","content":"Hel\"lo","extra":{"a":[1,2]}},"logprobs":null,"finish_reason":null}]}""");

        Assert.Equal(("Hel\"lo", null), (frame?.Text, frame?.Usage));
    }

    [Fact]
    public void Reasoning_ToolCalls_AndALegacyFunctionCall_AreAllGeneratedText()
    {
        var frame = Inspect(Head + ""","choices":[{"index":0,"delta":{"reasoning_content":"think ","tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"f","arguments":"{\"x\":1}"}}],"function_call":{"name":"g","arguments":"[]"}}},{"index":1,"delta":{"reasoning":"more","refusal":"no"}}]}""");

        Assert.Equal("think f{\"x\":1}g[]moreno", frame?.Text);
    }

    [Fact]
    public void TheUsageChunk_IsReadForItsCounts()
    {
        var frame = Inspect(Head + ""","choices":[],"usage":{"prompt_tokens":12,"completion_tokens":5,"total_tokens":17}}""");

        Assert.Equal((12, 5, (string?)null), (frame?.Usage?.PromptTokens, frame?.Usage?.CompletionTokens, frame?.Text));
    }

    [Fact]
    public void AUsageChunkThatAlsoGenerates_GivesItsCountsAndItsText_WhereverTheUsageStands()
    {
        var usageFirst = Inspect("""{"usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5},"choices":[{"index":0,"delta":{"content":"bye","tool_calls":[{"function":{"arguments":"{}"}}]}},"not a choice"]}""");
        var usageLast = Inspect("""{"object":"text_completion","choices":[{"text":"end"}],"usage":{"prompt_tokens":3,"completion_tokens":1,"total_tokens":4}}""", RelayMode.Completions);

        Assert.Equal(("bye{}", 5), (usageFirst?.Text, usageFirst?.Usage?.TotalTokens));
        Assert.Equal(("end", 4), (usageLast?.Text, usageLast?.Usage?.TotalTokens));
    }

    [Fact]
    public void AChunkWithNeitherChoicesNorUsage_IsDropped_AsOneApiDoes()
    {
        Assert.Null(Inspect("""{"choices":[],"prompt_filter_results":[{"prompt_index":0,"content_filter_results":{}}]}"""));
        Assert.Null(Inspect("""{"id":"c","usage":null}"""));
    }

    [Fact]
    public void AnErrorInTheStream_IsAnError()
    {
        var frame = Inspect("""{"error":{"message":"overloaded","type":"server_error"}}""");

        Assert.Equal("overloaded", frame?.Error?.Message);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"choices":[{"delta":{"content":"a"}}]} trailing""")]
    [InlineData("""[{"choices":[]}]""")]
    [InlineData("""{"choices":[{"delta":{"content":"a"}}]""")]
    [InlineData("""{"choices":[],"usage":{"prompt_tokens":1,""")]
    public void APayloadThatIsNotAJsonObject_IsForwardedAsItIs(string payload)
    {
        var frame = Inspect(payload);

        Assert.Equal((payload, null, null, null), (Encoding.UTF8.GetString(frame!.Value.Data.Span), frame.Value.Text, frame.Value.Usage, frame.Value.Error));
    }

    [Fact]
    public void ACompletionsChunk_CountsItsText()
    {
        var frame = Inspect("""{"object":"text_completion","choices":[{"text":"once upon","index":0,"delta":{"content":"ignored"}}]}""", RelayMode.Completions);

        Assert.Equal("once upon", frame?.Text);
    }
}
