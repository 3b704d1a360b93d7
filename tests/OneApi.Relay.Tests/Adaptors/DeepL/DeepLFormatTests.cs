using System.Net;
using System.Text.Json.Nodes;
using OneApi.Relay.Abstractions;
using OneApi.Relay.Adaptors.DeepL;

namespace OneApi.Relay.Tests.Adaptors.DeepL;

/// <summary>DeepL's /v2/translate (https://developers.deepl.com/docs/api-reference/translate) served as chat.</summary>
public sealed class DeepLFormatTests
{
    private const string Chat = """{"model":"deepl-de","messages":[{"role":"system","content":"ignored"},{"role":"user","content":"Hello, world!"}]}""";

    private static IChannelAdaptor Adaptor => TestAdaptors.For(38, "deepl-de");

    [Theory]
    [InlineData("deepl-ja", "JA")]
    [InlineData("deepl-en-us", "EN-US")]
    [InlineData("deepl", "ZH")]
    public void TargetLanguage_ComesFromTheModelName(string model, string expected)
    {
        Assert.Equal(expected, DeepLFormat.TargetLanguage(model));
    }

    [Fact]
    public void Request_TranslatesTheLastMessage_WithTheDeepLAuthKey()
    {
        using var message = Adaptor.Build(Fixture.Request(Chat), new UpstreamChannel(1, 38, "dl-key:fx", "", ChannelConfig.Empty));

        Assert.Equal("https://api-free.deepl.com/v2/translate", message.RequestUri!.AbsoluteUri);
        Assert.Equal("DeepL-Auth-Key dl-key:fx", message.Headers.GetValues("Authorization").Single());
        Assert.Equal("""{"text":["Hello, world!"],"target_lang":"DE"}""", Fixture.BodyOf(message).ToJsonString());
    }

    [Fact]
    public async Task Answer_IsTheTranslation_BilledByCharacters()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(Fixture.Bytes("deepl/translate.json")) };

        var answer = await Adaptor.ReadAnswerAsync(response, Fixture.Request(Chat), CancellationToken.None);

        Assert.Equal("Hallo, Welt!", (string?)JsonNode.Parse(answer.Body.Span)!["choices"]![0]!["message"]!["content"]);
        Assert.Equal(Usage.Of("Hello, world!".Length, 0), answer.Usage);
    }

    [Fact]
    public async Task Stream_IsOneChunkWithFinishAndUsage()
    {
        var frames = await Adaptor.FramesAsync("deepl/translate.json",
            Fixture.Request("""{"model":"deepl-de","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"Hello, world!"}]}"""));

        Assert.Equal(2, frames.Count);
        Assert.Equal("Hallo, Welt!", frames[0].Text);
        Assert.Equal("stop", (string?)JsonNode.Parse(frames[0].Data.Span)!["choices"]![0]!["finish_reason"]);
        Assert.Equal(13, (int)JsonNode.Parse(frames[1].Data.Span)!["usage"]!["prompt_tokens"]!);
    }

    [Fact]
    public async Task TruncatedAnswer_InAStream_IsAnError()
    {
        using var truncated = new MemoryStream("""{"translations":[{"detected_sou"""u8.ToArray());
        var frames = new List<StreamFrame>();
        await foreach (var frame in Adaptor.ReadStreamAsync(truncated, Fixture.Request("""{"model":"deepl-de","stream":true,"messages":[]}"""), CancellationToken.None))
        {
            frames.Add(frame);
        }

        Assert.Equal(502, Assert.Single(frames).Error!.StatusCode);
    }

    [Fact]
    public void QuotaExceeded_Is456WithDeepLsMessage()
    {
        var error = Adaptor.ReadError(456, Fixture.Bytes("deepl/error_456.json"));

        Assert.Equal((456, "Quota Exceeded"), (error.StatusCode, error.Message));
    }
}
