using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using OneApi.Relay.Abstractions;

namespace OneApi.Relay.Tests.Adaptors.DashScope;

/// <summary>Alibaba DashScope's native API (https://help.aliyun.com/zh/model-studio/developer-reference/use-qwen-by-calling-api) as OpenAI's.</summary>
public sealed class DashScopeTests
{
    private const int Ali = 17;

    private static UpstreamChannel Channel(ChannelConfig? config = null) => new(1, Ali, "sk-ali", "", config ?? ChannelConfig.Empty);

    private static IChannelAdaptor Adaptor(string model = "qwen-plus") => TestAdaptors.For(Ali, model);

    private static IMediaAdaptor Media => (IMediaAdaptor)Adaptor("wanx-v1");

    private static HttpResponseMessage Answer(string fixture) => new(HttpStatusCode.OK) { Content = new ByteArrayContent(Fixture.Bytes(fixture)) };

    private static Task<List<StreamFrame>> StreamAsync(string fixture) =>
        Adaptor().FramesAsync(fixture, Fixture.Request("""{"model":"qwen-plus","stream":true,"stream_options":{"include_usage":true},"messages":[]}"""));

    [Fact]
    public void Chat_IsInputMessagesAndParameters_InTheMessageResultFormat()
    {
        var request = Fixture.Request("""
            {"model":"qwen-max-internet","max_tokens":30,"top_p":1,"seed":7,"messages":[
              {"role":"developer","content":"Be brief."},{"role":"user","content":[{"type":"text","text":"Weather?"}]},
              {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{}"}}]},
              {"role":"tool","tool_call_id":"call_1","content":"Sunny"}],
             "tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object"}}}]}
            """);

        using var message = Adaptor("qwen-max-internet").Build(request, Channel(new ChannelConfig { Plugin = """{"code_interpreter":{}}""" }));

        Assert.Equal("https://dashscope.aliyuncs.com/api/v1/services/aigc/text-generation/generation", message.RequestUri!.AbsoluteUri);
        Assert.Equal("Bearer sk-ali", message.Headers.Authorization!.ToString());
        Assert.Equal("""{"code_interpreter":{}}""", message.Headers.GetValues("X-DashScope-Plugin").Single());
        Assert.False(message.Headers.Contains("X-DashScope-SSE"));
        Assert.Equal("""
            {"model":"qwen-max","input":{"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Weather?"},{"role":"assistant","content":"","tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{}"}}]},{"role":"tool","content":"Sunny","tool_call_id":"call_1"}]},"parameters":{"result_format":"message","enable_search":true,"seed":7,"tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object"}}}],"top_p":0.9999,"max_tokens":30}}
            """, Fixture.BodyOf(message).ToJsonString());
    }

    [Fact]
    public void Stream_AsksForSseAndIncrementalOutput()
    {
        using var message = Adaptor().Build(Fixture.Request("""{"model":"qwen-plus","stream":true,"messages":[{"role":"user","content":"Hi"}]}"""), Channel());

        Assert.Equal("enable", message.Headers.GetValues("X-DashScope-SSE").Single());
        Assert.Equal("text/event-stream", message.Headers.Accept.Single().MediaType);
        Assert.Equal(true, (bool?)Fixture.BodyOf(message)["parameters"]!["incremental_output"]);
    }

    [Fact]
    public async Task Answer_BecomesChatCompletion_BilledByInputAndOutputTokens()
    {
        using var response = Answer("dashscope/chat.json");

        var answer = await Adaptor().ReadAnswerAsync(response, Fixture.Request("""{"model":"qwen-plus","messages":[]}"""), CancellationToken.None);

        var json = JsonNode.Parse(answer.Body.Span)!;
        Assert.Equal("The emperor penguin is the tallest.", (string?)json["choices"]![0]!["message"]!["content"]);
        Assert.Equal(("stop", "chatcmpl-5c9a2f0e-1b43-9a8c-b1d2-7f3e1c0a2b44"), ((string?)json["choices"]![0]!["finish_reason"], (string?)json["id"]));
        Assert.Equal(Usage.Of(22, 9), answer.Usage);
    }

    [Fact]
    public async Task ToolCallAnswer_KeepsOpenAIsToolCalls()
    {
        using var response = Answer("dashscope/chat_tool_call.json");

        var answer = await Adaptor().ReadAnswerAsync(response, Fixture.Request("""{"model":"qwen-plus","messages":[]}"""), CancellationToken.None);

        var choice = JsonNode.Parse(answer.Body.Span)!["choices"]![0]!;
        Assert.Equal("tool_calls", (string?)choice["finish_reason"]);
        var call = choice["message"]!["tool_calls"]![0]!;
        Assert.Equal(("call_f1a3c1b2d9", "get_weather", """{"city": "Hangzhou"}"""),
            ((string?)call["id"], (string?)call["function"]!["name"], (string?)call["function"]!["arguments"]));
        Assert.Equal(Usage.Of(222, 18), answer.Usage);
    }

    [Fact]
    public async Task Stream_IncrementsBecomeChunks_TheFinishingEventGivesUsage()
    {
        var frames = await StreamAsync("dashscope/stream.sse");

        var chunks = frames.Select(f => JsonNode.Parse(f.Data.Span)!).ToList();
        Assert.Equal("The emperor penguin.", string.Concat(frames.Select(f => f.Text)));
        Assert.Equal("assistant", (string?)chunks[0]["choices"]![0]!["delta"]!["role"]);
        Assert.Equal([null, null, "stop"], chunks.Take(3).Select(c => (string?)c["choices"]![0]!["finish_reason"]));
        Assert.Equal("""{"prompt_tokens":22,"completion_tokens":7,"total_tokens":29}""", chunks[3]["usage"]!.ToJsonString());
        Assert.Equal([null, null], frames.Take(2).Select(f => f.Usage));
    }

    [Fact]
    public async Task ToolCallStream_PassesTheToolCallDeltasOn_FinishingWithToolCalls()
    {
        var frames = await StreamAsync("dashscope/stream_tool_call.sse");

        var deltas = frames.Take(2).Select(f => JsonNode.Parse(f.Data.Span)!["choices"]![0]!).ToList();
        Assert.Equal("get_weather", (string?)deltas[0]["delta"]!["tool_calls"]![0]!["function"]!["name"]);
        var arguments = deltas.Select(d => (string?)d["delta"]!["tool_calls"]![0]!["function"]!["arguments"]);
        Assert.Equal("""{"city": "Hangzhou"}""", string.Concat(arguments));
        Assert.Equal("tool_calls", (string?)deltas[1]["finish_reason"]);
        Assert.Null(deltas[1]["delta"]!["tool_calls"]![0]!["id"]);
        Assert.Equal(Usage.Of(222, 18), frames[1].Usage);
    }

    [Fact]
    public async Task TruncatedStream_HasTheTextButNoUsage()
    {
        var frames = await StreamAsync("dashscope/stream_truncated.sse");

        Assert.Equal("The emperor penguin.", string.Concat(frames.Select(f => f.Text)));
        Assert.All(frames, f => Assert.Null(f.Usage));
    }

    [Fact]
    public async Task ErrorEvent_EndsTheStreamWithDashScopesMessage()
    {
        var frames = await StreamAsync("dashscope/stream_error.sse");

        var error = Assert.Single(frames).Error!;
        Assert.Equal(("Range of input length should be [1, 6000]", "InvalidParameter"), (error.Message, error.Code));
    }

    [Fact]
    public void Error_KeepsStatusMessageAndCode()
    {
        var error = Adaptor().ReadError(401, Fixture.Bytes("dashscope/error_401.json"));

        Assert.Equal((401, "Invalid API-key provided.", "InvalidApiKey", "ali_error"), (error.StatusCode, error.Message, error.Code, error.Type));
    }

    [Fact]
    public void RefusedStream_IsReadFromItsErrorEvent()
    {
        var error = Adaptor().ReadError(400, Fixture.Bytes("dashscope/stream_error.sse"));

        Assert.Equal((400, "InvalidParameter"), (error.StatusCode, error.Code));
    }

    [Fact]
    public async Task Embeddings_GoAsTexts_AndComeBackInTextOrder()
    {
        var adaptor = Adaptor("text-embedding-v2");
        var request = Fixture.Request("""{"model":"text-embedding-v2","input":"Hi"}""", RelayMode.Embeddings);
        using var message = adaptor.Build(request, Channel());
        using var response = Answer("dashscope/embeddings.json");

        var answer = await adaptor.ReadAnswerAsync(response, request, CancellationToken.None);

        Assert.Equal("/api/v1/services/embeddings/text-embedding/text-embedding", message.RequestUri!.AbsolutePath);
        Assert.Equal("""{"model":"text-embedding-v2","input":{"texts":["Hi"]}}""", Fixture.BodyOf(message).ToJsonString());
        var data = JsonNode.Parse(answer.Body.Span)!["data"]!.AsArray();
        Assert.Equal((-0.006929283495992422, 0.5), ((double)data[0]!["embedding"]![0]!, (double)data[1]!["embedding"]![0]!));
        Assert.Equal(Usage.Of(7, 0), answer.Usage);
    }

    [Fact]
    public async Task Image_IsSubmittedAsABackgroundTask()
    {
        using var body = new StringContent("""{"model":"wanx-v1","prompt":"a penguin","n":2,"size":"1280x720"}""", Encoding.UTF8, "application/json");

        using var message = await Media.BuildMediaRequestAsync(RelayMode.ImagesGenerations, "wanx-v1", body, Channel(), CancellationToken.None);

        Assert.Equal("https://dashscope.aliyuncs.com/api/v1/services/aigc/text2image/image-synthesis", message.RequestUri!.AbsoluteUri);
        Assert.Equal("enable", message.Headers.GetValues("X-DashScope-Async").Single());
        Assert.Equal("""{"model":"wanx-v1","input":{"prompt":"a penguin"},"parameters":{"n":2,"size":"1280*720"}}""", Fixture.BodyOf(message).ToJsonString());
    }

    [Fact]
    public async Task PendingTask_IsAskedAfterAtTheTasksPath()
    {
        using var response = Answer("dashscope/task_pending.json");

        var answer = await Media.ReadMediaAnswerAsync(response, RelayMode.ImagesGenerations, CancellationToken.None);
        using var poll = await Media.BuildTaskPollAsync(answer!.Pending!, Channel(), CancellationToken.None);

        Assert.Null(answer.Error);
        Assert.Equal(HttpMethod.Get, poll.Method);
        Assert.Equal("https://dashscope.aliyuncs.com/api/v1/tasks/13b1848b-5493-4c0e-8c44-ca2b3c8e0f7a", poll.RequestUri!.AbsoluteUri);
        Assert.Equal("Bearer sk-ali", poll.Headers.Authorization!.ToString());
    }

    [Fact]
    public async Task SucceededTask_GivesTheUrlsOfThePicturesMade()
    {
        using var response = Answer("dashscope/task_succeeded.json");

        var answer = await Media.ReadMediaAnswerAsync(response, RelayMode.ImagesGenerations, CancellationToken.None);

        Assert.Null(answer!.Pending);
        var data = JsonNode.Parse(answer.Body.Span)!["data"]!.AsArray();
        Assert.Equal("https://dashscope-result-bj.oss-cn-beijing.aliyuncs.com/1.png", (string?)Assert.Single(data)!["url"]);
    }

    [Fact]
    public async Task FailedTask_IsTheTasksError()
    {
        using var response = Answer("dashscope/task_failed.json");

        var answer = await Media.ReadMediaAnswerAsync(response, RelayMode.ImagesGenerations, CancellationToken.None);

        Assert.Equal("InvalidParameter", answer!.Error!.Code);
        Assert.StartsWith("The size is not match", answer.Error.Message, StringComparison.Ordinal);
    }
}
