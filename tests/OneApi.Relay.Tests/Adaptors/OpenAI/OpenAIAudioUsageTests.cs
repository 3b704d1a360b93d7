using System.Net;
using OneApi.Relay.Abstractions;

namespace OneApi.Relay.Tests.Adaptors.OpenAI;

/// <summary>gpt-4o-audio (https://platform.openai.com/docs/guides/audio): audio passes through, its token counts are read for billing.</summary>
public sealed class OpenAIAudioUsageTests
{
    private const string Request = """
        {"model":"gpt-4o-audio-preview","modalities":["text","audio"],"audio":{"voice":"alloy","format":"wav"},
         "messages":[{"role":"user","content":[{"type":"text","text":"Is this a dog?"},{"type":"input_audio","input_audio":{"data":"UklGRg==","format":"wav"}}]}]}
        """;

    private static readonly Usage Expected = new()
    {
        PromptTokens = 37, CompletionTokens = 193, TotalTokens = 230, PromptAudioTokens = 20, CompletionAudioTokens = 153,
    };

    [Fact]
    public async Task AudioRequest_IsSentAsTheClientWroteIt()
    {
        using var message = TestAdaptors.OpenAI().Build(Fixture.Request(Request), new UpstreamChannel(1, ChannelTypes.OpenAI, "k", "", ChannelConfig.Empty));

        Assert.Equal(Request, await message.Content!.ReadAsStringAsync());
    }

    [Fact]
    public async Task Answer_ReadsAudioTokensOfPromptAndCompletion_AndKeepsTheAudio()
    {
        var body = Fixture.Bytes("openai/chat_audio.json");
        using var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(body) };

        var answer = await TestAdaptors.OpenAI().ReadAnswerAsync(response, Fixture.Request(Request), CancellationToken.None);

        Assert.Equal(Expected, answer.Usage);
        Assert.Equal(body, answer.Body.ToArray());
    }

    [Fact]
    public async Task Stream_FinalChunkCarriesTheAudioTokens()
    {
        var frames = await TestAdaptors.OpenAI().FramesAsync("openai/chat_audio_stream.sse",
            Fixture.Request(Request.Replace("\"modalities\"", "\"stream\":true,\"stream_options\":{\"include_usage\":true},\"modalities\"")));

        Assert.Equal(Expected, frames.Last(f => f.Usage is not null).Usage);
        Assert.Contains(frames, f => f.Data.Span.IndexOf("\"transcript\":\", golden retrievers.\""u8) >= 0);
    }
}
