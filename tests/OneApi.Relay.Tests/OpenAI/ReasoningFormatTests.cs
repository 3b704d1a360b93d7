using System.Text;
using System.Text.Json.Nodes;
using OneApi.Relay.Abstractions;
using OneApi.Relay.Adaptors.OpenAI;
using OneApi.Relay.Inbound;
using OneApi.Relay.OpenAI;

namespace OneApi.Relay.Tests.OpenAI;

/// <summary>?reasoning_format on OpenAI-compatible pass-through answers, which one-api forwarded unchanged.</summary>
public sealed class ReasoningFormatTests
{
    [Theory]
    [InlineData("reasoning_content", "reasoning")]
    [InlineData("reasoning", "thinking")]
    [InlineData("thinking", "reasoning_content")]
    public void Rewrite_MovesDeltaReasoningToTheRequestedField(string from, string to)
    {
        var chunk = """{"choices":[{"index":0,"delta":{"FROM":"hmm","content":""}}]}""".Replace("FROM", from, StringComparison.Ordinal);

        var rewritten = JsonNode.Parse(new ReasoningFormat(to).Rewrite(Encoding.UTF8.GetBytes(chunk)).Span)!;

        Assert.Equal("hmm", (string?)rewritten["choices"]![0]!["delta"]![to]);
        Assert.Null(rewritten["choices"]![0]!["delta"]![from]);
    }

    [Fact]
    public void Rewrite_DropsNullReasoningOfAnotherField()
    {
        var chunk = Encoding.UTF8.GetBytes("""{"choices":[{"index":0,"delta":{"content":"4","reasoning_content":null}}]}""");

        var rewritten = JsonNode.Parse(ReasoningFormat.Thinking.Rewrite(chunk).Span)!;

        Assert.Equal("""{"content":"4"}""", rewritten["choices"]![0]!["delta"]!.ToJsonString());
    }

    [Fact]
    public void Rewrite_LeavesChunksWithoutReasoningAsTheSameBytes()
    {
        ReadOnlyMemory<byte> chunk = Encoding.UTF8.GetBytes("""{"choices":[{"index":0,"delta":{"content":"hi"}}]}""");

        Assert.True(ReasoningFormat.Thinking.Rewrite(chunk).Equals(chunk));
    }

    [Fact]
    public void Rewrite_MessageOfAWholeAnswer()
    {
        var answer = """{"choices":[{"index":0,"message":{"role":"assistant","content":"4","reasoning_content":"2+2"}}]}""";

        var rewritten = JsonNode.Parse(ReasoningFormat.Thinking.Rewrite(Encoding.UTF8.GetBytes(answer)).Span)!;

        Assert.Equal("2+2", (string?)rewritten["choices"]![0]!["message"]!["thinking"]);
    }

    [Fact]
    public async Task OpenAIClient_WithReasoningFormat_RewritesPassThroughStreams()
    {
        var request = Fixture.Request("""{"model":"deepseek-reasoner","stream":true,"messages":[]}""", query: "reasoning_format=thinking");
        var adaptor = OpenAIClientApi.Instance.Adapt(TestAdaptors.OpenAI(), request);
        var sse = "data: {\"choices\":[{\"index\":0,\"delta\":{\"reasoning_content\":\"let me see\"}}]}\n\ndata: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"4\"}}]}\n\ndata: [DONE]\n\n";

        var frames = new List<StreamFrame>();
        await foreach (var frame in adaptor.ReadStreamAsync(new MemoryStream(Encoding.UTF8.GetBytes(sse)), request, CancellationToken.None))
        {
            frames.Add(frame);
        }

        Assert.Equal("let me see", (string?)JsonNode.Parse(frames[0].Data.Span)!["choices"]![0]!["delta"]!["thinking"]);
        Assert.Equal("4", frames[1].Text);
    }

    [Fact]
    public void OpenAIClient_WithoutReasoningFormat_UsesTheAdaptorAsItIs()
    {
        var adaptor = TestAdaptors.OpenAI();

        Assert.Same(adaptor, OpenAIClientApi.Instance.Adapt(adaptor, Fixture.Request("""{"model":"x","messages":[]}""")));
    }
}
