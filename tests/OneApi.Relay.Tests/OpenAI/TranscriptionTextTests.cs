using System.Text;
using OneApi.Relay.OpenAI;

namespace OneApi.Relay.Tests.OpenAI;

public sealed class TranscriptionTextTests
{
    [Theory]
    [InlineData(null, """{"text":"Hello there."}""")]
    [InlineData("verbose_json", """{"task":"transcribe","language":"english","duration":1.2,"text":"Hello there.","segments":[]}""")]
    [InlineData("text", "Hello there.")]
    [InlineData("srt", "1\n00:00:00,000 --> 00:00:01,200\nHello there.\n\n")]
    [InlineData("vtt", "WEBVTT\n\n00:00:00.000 --> 00:00:01.200\nHello there.\n\n")]
    public void EveryResponseFormat_YieldsTheSpokenText(string? format, string body)
    {
        Assert.Equal("Hello there.", TranscriptionText.From(Encoding.UTF8.GetBytes(body), format).Trim());
    }
}
