using OneApi.Relay.Abstractions;

namespace OneApi.Relay.Tests.Adaptors;

public sealed class RetiredFormatTests
{
    [Fact]
    public void PaLM_IsRefusedWith410_PointingToGemini()
    {
        var request = Fixture.Request("""{"model":"chat-bison-001","messages":[{"role":"user","content":"hi"}]}""");

        var error = Assert.Throws<RelayErrorException>(() => TestAdaptors.For(11, "chat-bison-001").Build(request, new UpstreamChannel(1, 11, "k", "", ChannelConfig.Empty)));

        Assert.Equal((410, "provider_retired"), (error.Error.StatusCode, error.Error.Code));
        Assert.Contains("Gemini channel (type 24)", error.Error.Message, StringComparison.Ordinal);
    }
}
