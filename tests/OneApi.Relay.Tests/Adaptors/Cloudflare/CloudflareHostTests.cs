using OneApi.Relay.Abstractions;

namespace OneApi.Relay.Tests.Adaptors.Cloudflare;

public sealed class CloudflareHostTests
{
    private const string Chat = """{"model":"@cf/meta/llama-3.1-8b-instruct","messages":[{"role":"user","content":"hi"}]}""";

    private static UpstreamChannel Channel(string baseUrl = "", string account = "acc123") =>
        new(1, 37, "cf-token", baseUrl, ChannelConfig.Empty with { UserId = account });

    [Fact]
    public void Chat_GoesToTheAccountsOpenAIEndpoint_WithTheTokenAsBearer()
    {
        using var message = TestAdaptors.For(37, "@cf/meta/llama-3.1-8b-instruct").Build(Fixture.Request(Chat), Channel());

        Assert.Equal("https://api.cloudflare.com/client/v4/accounts/acc123/ai/v1/chat/completions", message.RequestUri!.AbsoluteUri);
        Assert.Equal("Bearer cf-token", message.Headers.Authorization!.ToString());
        Assert.Equal("@cf/meta/llama-3.1-8b-instruct", (string?)Fixture.BodyOf(message)["model"]);
    }

    [Fact]
    public void Embeddings_GoToTheAccountsEmbeddingsEndpoint()
    {
        var request = Fixture.Request("""{"model":"@cf/baai/bge-base-en-v1.5","input":"hi"}""", RelayMode.Embeddings);

        using var message = TestAdaptors.For(37, "@cf/baai/bge-base-en-v1.5").Build(request, Channel());

        Assert.Equal("https://api.cloudflare.com/client/v4/accounts/acc123/ai/v1/embeddings", message.RequestUri!.AbsoluteUri);
    }

    [Fact]
    public void AIGatewayBaseUrl_IsUsedAsItIs_WithoutTheAccountPath()
    {
        using var message = TestAdaptors.For(37, "m").Build(Fixture.Request(Chat), Channel("https://gateway.ai.cloudflare.com/v1/acc123/my-gw/workers-ai"));

        Assert.Equal("https://gateway.ai.cloudflare.com/v1/acc123/my-gw/workers-ai/v1/chat/completions", message.RequestUri!.AbsoluteUri);
    }

    [Theory]
    [InlineData(RelayMode.ChatCompletions, true)]
    [InlineData(RelayMode.Embeddings, true)]
    [InlineData(RelayMode.ImagesGenerations, false)]
    [InlineData(RelayMode.AudioSpeech, false)]
    public void Modes_OnlyChatAndEmbeddingsAreServed(RelayMode mode, bool served)
    {
        Assert.Equal(served, TestAdaptors.For(37, "m").Supports(mode));
    }
}
