using System.Net;
using System.Text.Json.Nodes;
using OneApi.Relay.Abstractions;

namespace OneApi.Relay.Tests.Adaptors.Ollama;

/// <summary>Ollama's /api/chat and /api/embed (https://github.com/ollama/ollama/blob/main/docs/api.md) as OpenAI's.</summary>
public sealed class OllamaFormatTests
{
    private const int Ollama = 30;

    private static readonly UpstreamChannel Channel = new(1, Ollama, "proxy-key", "http://gpu-box:11434/", ChannelConfig.Empty);

    private static IChannelAdaptor Adaptor => TestAdaptors.For(Ollama, "llama3.2");

    private static async Task<UpstreamAnswer> AnswerAsync(string fixture, RelayRequest request)
    {
        using var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(Fixture.Bytes(fixture)) };
        return await Adaptor.ReadAnswerAsync(response, request, CancellationToken.None);
    }

    private static Task<List<StreamFrame>> StreamAsync(string fixture, string extra = "") =>
        Adaptor.FramesAsync(fixture, Fixture.Request($$"""{"model":"llama3.2","stream":true{{extra}},"messages":[]}"""));

    [Fact]
    public void Chat_SystemImagesToolsAndOptions_GoAsApiChat()
    {
        var request = Fixture.Request("""
            {"model":"llama3.2","max_tokens":50,"temperature":0.2,"seed":7,"messages":[
              {"role":"system","content":"Be brief."},
              {"role":"user","content":[{"type":"text","text":"What is this?"},{"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}}]},
              {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"look","arguments":"{\"x\":1}"}}]},
              {"role":"tool","tool_call_id":"call_1","content":"a cat"}],
             "tools":[{"type":"function","function":{"name":"look","parameters":{"type":"object"}}}]}
            """);

        using var message = Adaptor.Build(request, Channel);

        Assert.Equal("http://gpu-box:11434/api/chat", message.RequestUri!.AbsoluteUri);
        Assert.Equal("Bearer proxy-key", message.Headers.Authorization!.ToString());
        var body = Fixture.BodyOf(message);
        Assert.False((bool)body["stream"]!);
        Assert.Equal("""{"temperature":0.2,"seed":7,"num_predict":50}""", body["options"]!.ToJsonString());
        var messages = body["messages"]!.AsArray();
        Assert.Equal("""{"role":"system","content":"Be brief."}""", messages[0]!.ToJsonString());
        Assert.Equal("""{"role":"user","content":"What is this?","images":["iVBORw0KGgo="]}""", messages[1]!.ToJsonString());
        Assert.Equal("""{"role":"assistant","content":"","tool_calls":[{"function":{"name":"look","arguments":{"x":1}}}]}""", messages[2]!.ToJsonString());
        Assert.Equal("""{"role":"tool","content":"a cat"}""", messages[3]!.ToJsonString());
        Assert.Equal("look", (string?)body["tools"]![0]!["function"]!["name"]);
    }

    [Fact]
    public void Embeddings_GoToApiEmbed_WithTheInputAsGiven()
    {
        var request = Fixture.Request("""{"model":"all-minilm","input":["a","b"]}""", RelayMode.Embeddings);

        using var message = TestAdaptors.For(Ollama, "all-minilm").Build(request, Channel);

        Assert.Equal("http://gpu-box:11434/api/embed", message.RequestUri!.AbsoluteUri);
        Assert.Equal("""{"model":"all-minilm","input":["a","b"]}""", Fixture.BodyOf(message).ToJsonString());
    }

    [Fact]
    public async Task Answer_BecomesChatCompletion_BilledByEvalCounts()
    {
        var answer = await AnswerAsync("ollama/chat.json", Fixture.Request("""{"model":"llama3.2","messages":[]}"""));

        var json = JsonNode.Parse(answer.Body.Span)!;
        Assert.Null(answer.Error);
        Assert.Equal("chat.completion", (string?)json["object"]);
        Assert.Equal("Hello! How are you today?", (string?)json["choices"]![0]!["message"]!["content"]);
        Assert.Equal("stop", (string?)json["choices"]![0]!["finish_reason"]);
        Assert.Equal(Usage.Of(26, 298), answer.Usage);
        Assert.Equal(324, (int)json["usage"]!["total_tokens"]!);
    }

    [Fact]
    public async Task ToolCallAnswer_HasOpenAIToolCalls_WithArgumentsAsJsonText()
    {
        var answer = await AnswerAsync("ollama/chat_tool_call.json", Fixture.Request("""{"model":"llama3.2","messages":[]}"""));

        var choice = JsonNode.Parse(answer.Body.Span)!["choices"]![0]!;
        var call = choice["message"]!["tool_calls"]![0]!;
        Assert.Equal("tool_calls", (string?)choice["finish_reason"]);
        Assert.Equal("get_current_weather", (string?)call["function"]!["name"]);
        Assert.Equal("""{"format":"celsius","location":"Paris, FR"}""", (string?)call["function"]!["arguments"]);
        Assert.StartsWith("call_", (string?)call["id"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stream_LinesBecomeChunks_UsageFromTheDoneLine()
    {
        var frames = await StreamAsync("ollama/stream.ndjson", ""","stream_options":{"include_usage":true}""");

        var chunks = frames.Select(f => JsonNode.Parse(f.Data.Span)!).ToList();
        Assert.Equal("The sky is blue.", string.Concat(frames.Select(f => f.Text)));
        Assert.Equal("assistant", (string?)chunks[0]["choices"]![0]!["delta"]!["role"]);
        Assert.Equal("stop", (string?)chunks[3]["choices"]![0]!["finish_reason"]);
        Assert.Equal("""{"prompt_tokens":26,"completion_tokens":282,"total_tokens":308}""", chunks[^1]["usage"]!.ToJsonString());
        Assert.Empty(chunks[^1]["choices"]!.AsArray());
        Assert.Equal(Usage.Of(26, 282), frames[^1].Usage);
    }

    [Fact]
    public async Task TruncatedStream_DeliversWhatCame_WithNoUsageOrFinish()
    {
        var frames = await StreamAsync("ollama/stream_truncated.ndjson");

        Assert.Equal("The sky", string.Concat(frames.Select(f => f.Text)));
        Assert.All(frames, f => Assert.Null(f.Usage));
        Assert.All(frames, f => Assert.Null((string?)JsonNode.Parse(f.Data.Span)!["choices"]![0]!["finish_reason"]));
    }

    [Fact]
    public async Task StreamError_EndsTheStreamWithTheError()
    {
        var frames = await StreamAsync("ollama/stream_error.ndjson");

        Assert.Equal(2, frames.Count);
        Assert.Contains("unexpected EOF", frames[1].Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Error_ModelNotFound_KeepsStatusAndMessage()
    {
        var error = Adaptor.ReadError(404, Fixture.Bytes("ollama/error_404.json"));

        Assert.Equal((404, "model \"llama9\" not found, try pulling it first", "ollama_error"), (error.StatusCode, error.Message, error.Type));
    }

    [Fact]
    public async Task Embeddings_BecomeOpenAIsList_BilledByPromptEvalCount()
    {
        var answer = await AnswerAsync("ollama/embed.json", Fixture.Request("""{"model":"all-minilm","input":["a","b"]}""", RelayMode.Embeddings));

        var json = JsonNode.Parse(answer.Body.Span)!;
        Assert.Equal(2, json["data"]!.AsArray().Count);
        Assert.Equal(1, (int)json["data"]![1]!["index"]!);
        Assert.Equal(-0.0098027075, (double)json["data"]![1]!["embedding"]![0]!);
        Assert.Equal(Usage.Of(8, 0), answer.Usage);
    }
}
