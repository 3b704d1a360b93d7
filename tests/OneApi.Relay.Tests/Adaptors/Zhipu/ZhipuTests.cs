using Microsoft.Extensions.Time.Testing;
using OneApi.Relay.Abstractions;
using OneApi.Relay.Adaptors.Zhipu;

namespace OneApi.Relay.Tests.Adaptors.Zhipu;

public sealed class ZhipuTests
{
    private const string Key = "4e3ab3c5d1b2.Wk9Xc2VjcmV0";
    private static readonly DateTimeOffset Issued = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);

    private static UpstreamChannel Channel(string key = Key) => new(1, 16, key, "", ChannelConfig.Empty);

    [Fact]
    public void Token_IsTheHs256JwtZhipuDocuments()
    {
        // Worked out independently (Python's hmac over base64url(header).base64url(claims)) for these values.
        const string expected = "eyJhbGciOiJIUzI1NiIsInNpZ25fdHlwZSI6IlNJR04ifQ" +
            ".eyJhcGlfa2V5IjoiNGUzYWIzYzVkMWIyIiwiZXhwIjoxNzAwMDg2NDAwMDAwLCJ0aW1lc3RhbXAiOjE3MDAwMDAwMDAwMDB9" +
            ".XgDPzZPCcmpVBtS724NlYv9aJbGclRavvNiksUETGN4";

        Assert.Equal(expected, ZhipuTokens.Sign(Key, Issued, Issued.AddDays(1)));
    }

    [Fact]
    public void Token_IsReusedUntilNearItsExpiry_ThenRenewed()
    {
        var time = new FakeTimeProvider(Issued);
        var tokens = new ZhipuTokens(time);

        var first = tokens.For(Key);
        time.Advance(TimeSpan.FromHours(23));
        var reused = tokens.For(Key);
        time.Advance(TimeSpan.FromMinutes(56));
        var renewed = tokens.For(Key);

        Assert.Equal(first, reused);
        Assert.NotEqual(first, renewed);
    }

    [Theory]
    [InlineData("no-dot")]
    [InlineData("a.b.c")]
    [InlineData(".secret")]
    public void KeyNotIdDotSecret_IsRefusedWithAClearMessage(string key)
    {
        var error = Assert.Throws<RelayErrorException>(() => ZhipuTokens.Sign(key, Issued, Issued.AddDays(1)));

        Assert.Contains("id.secret", error.Error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(RelayMode.ChatCompletions, """{"model":"glm-4","messages":[{"role":"user","content":"hi"}]}""", "https://open.bigmodel.cn/api/paas/v4/chat/completions")]
    [InlineData(RelayMode.Embeddings, """{"model":"embedding-3","input":"hi"}""", "https://open.bigmodel.cn/api/paas/v4/embeddings")]
    public void Requests_GoToV4_WithTheJwtAsBearer(RelayMode mode, string body, string url)
    {
        using var message = TestAdaptors.For(16, "glm-4", time: new FakeTimeProvider(Issued)).Build(Fixture.Request(body, mode), Channel());

        Assert.Equal(url, message.RequestUri!.AbsoluteUri);
        Assert.Equal("Bearer", message.Headers.Authorization!.Scheme);
        Assert.StartsWith("eyJhbGciOiJIUzI1NiIsInNpZ25fdHlwZSI6IlNJR04ifQ.", message.Headers.Authorization.Parameter, StringComparison.Ordinal);
    }

    [Fact]
    public void TemperatureAndTopP_AreClampedToZhipusRange()
    {
        var request = Fixture.Request("""{"model":"glm-4","temperature":1.6,"top_p":0.5,"messages":[{"role":"user","content":"hi"}]}""");

        using var message = TestAdaptors.For(16, "glm-4").Build(request, Channel());

        var body = Fixture.BodyOf(message);
        Assert.Equal((1.0, 0.5), ((double)body["temperature"]!, (double)body["top_p"]!));
    }
}
