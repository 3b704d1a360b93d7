using System.Net;
using System.Text.Json.Nodes;
using OneApi.Relay.Abstractions;

namespace OneApi.Relay.Tests.Adaptors.Cohere;

/// <summary>Cohere's v1 chat (https://docs.cohere.com/v1/reference/chat) as OpenAI's.</summary>
public sealed class CohereFormatTests
{
    private const int Cohere = 35;

    private static IChannelAdaptor Adaptor => TestAdaptors.For(Cohere, "command-r");

    private static Task<List<StreamFrame>> StreamAsync(string fixture) =>
        Adaptor.FramesAsync(fixture, Fixture.Request("""{"model":"command-r","stream":true,"stream_options":{"include_usage":true},"messages":[]}"""));

    [Fact]
    public void Chat_SystemIsPreamble_EarlierTurnsAreHistory_LastUserTurnIsMessage()
    {
        var request = Fixture.Request("""
            {"model":"command-r-internet","max_tokens":30,"top_p":0.5,"stop":"END","messages":[
              {"role":"system","content":"Be brief."},{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello."},
              {"role":"user","content":[{"type":"text","text":"Tallest penguin?"}]}]}
            """);

        using var message = Adaptor.Build(request, new UpstreamChannel(1, Cohere, "co-key", "", ChannelConfig.Empty));

        Assert.Equal("https://api.cohere.ai/v1/chat", message.RequestUri!.AbsoluteUri);
        Assert.Equal("Bearer co-key", message.Headers.Authorization!.ToString());
        Assert.Equal("""
            {"connectors":[{"id":"web-search"}],"model":"command-r","message":"Tallest penguin?","preamble":"Be brief.","chat_history":[{"role":"USER","message":"Hi"},{"role":"CHATBOT","message":"Hello."}],"p":0.5,"max_tokens":30,"stop_sequences":["END"],"stream":false}
            """, Fixture.BodyOf(message).ToJsonString());
    }

    [Fact]
    public async Task Answer_BecomesChatCompletion_BilledByMetaTokens()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(Fixture.Bytes("cohere/chat.json")) };

        var answer = await Adaptor.ReadAnswerAsync(response, Fixture.Request("""{"model":"command-r","messages":[]}"""), CancellationToken.None);

        var json = JsonNode.Parse(answer.Body.Span)!;
        Assert.Equal("The tallest penguin is the emperor penguin.", (string?)json["choices"]![0]!["message"]!["content"]);
        Assert.Equal("stop", (string?)json["choices"]![0]!["finish_reason"]);
        Assert.Equal(Usage.Of(83, 10), answer.Usage);
    }

    [Fact]
    public async Task Stream_TextGenerationsBecomeChunks_StreamEndGivesFinishAndUsage()
    {
        var frames = await StreamAsync("cohere/stream.jsonl");

        var chunks = frames.Select(f => JsonNode.Parse(f.Data.Span)!).ToList();
        Assert.Equal("The tallest penguin.", string.Concat(frames.Select(f => f.Text)));
        Assert.All(chunks, c => Assert.Equal("chatcmpl-6c0f8a51-2a3b-4e2c-8d5e-9a1b2c3d4e5f", (string?)c["id"]));
        Assert.Equal("length", (string?)chunks[2]["choices"]![0]!["finish_reason"]);
        Assert.Equal("""{"prompt_tokens":83,"completion_tokens":4,"total_tokens":87}""", chunks[3]["usage"]!.ToJsonString());
    }

    [Fact]
    public async Task TruncatedStream_HasTheTextButNoUsage()
    {
        var frames = await StreamAsync("cohere/stream_truncated.jsonl");

        Assert.Equal("The tallest", string.Concat(frames.Select(f => f.Text)));
        Assert.All(frames, f => Assert.Null(f.Usage));
    }

    [Fact]
    public void Error_KeepsStatusAndCoheresMessage()
    {
        var error = Adaptor.ReadError(401, Fixture.Bytes("cohere/error_401.json"));

        Assert.Equal((401, "invalid api token"), (error.StatusCode, error.Message));
    }

    [Fact]
    public void Embeddings_AreNotServed()
    {
        Assert.False(Adaptor.Supports(RelayMode.Embeddings));
    }
}
