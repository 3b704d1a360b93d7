using System.Text.Json.Nodes;
using OneApi.Relay.Abstractions;
using OneApi.Relay.Adaptors.OpenAI;

namespace OneApi.Relay.Tests.Adaptors.OpenAI;

public sealed class OpenAIAdaptorRequestTests
{
    private const string ChatBody = """{"model":"gpt-4o","messages":[{"role":"user","content":"Hello"}]}""";

    private readonly IChannelAdaptor _adaptor = TestAdaptors.OpenAI();

    private static UpstreamChannel Channel(int type, string baseUrl = "", string key = "sk-upstream") =>
        new(7, type, key, baseUrl, ChannelConfig.Empty);

    [Fact]
    public void OpenAIType_DefaultBaseUrl_PostsToApiOpenAIChatCompletions()
    {
        using var message = _adaptor.Build(Fixture.Request(ChatBody), Channel(ChannelTypes.OpenAI));

        Assert.Equal(HttpMethod.Post, message.Method);
        Assert.Equal("https://api.openai.com/v1/chat/completions", message.RequestUri!.AbsoluteUri);
    }

    [Theory]
    [InlineData("https://proxy.example.com")]
    [InlineData("https://proxy.example.com/")]
    public void OpenAIType_CustomBaseUrl_AppendsVersionedPathOnce(string baseUrl)
    {
        using var message = _adaptor.Build(Fixture.Request(ChatBody), Channel(ChannelTypes.OpenAI, baseUrl));

        Assert.Equal("https://proxy.example.com/v1/chat/completions", message.RequestUri!.AbsoluteUri);
    }

    [Theory]
    [InlineData("https://x/v1")]
    [InlineData("https://x/v1/")]
    public void OpenAICompatibleType_BaseWithV1_DoesNotDoubleV1(string baseUrl)
    {
        using var message = _adaptor.Build(Fixture.Request(ChatBody), Channel(ChannelTypes.OpenAICompatible, baseUrl));

        Assert.Equal("https://x/v1/chat/completions", message.RequestUri!.AbsoluteUri);
    }

    [Fact]
    public void EmbeddingsMode_CustomBaseUrl_PostsToEmbeddings()
    {
        var request = Fixture.Request("""{"model":"text-embedding-3-small","input":"hi"}""", RelayMode.Embeddings);

        using var message = _adaptor.Build(request, Channel(ChannelTypes.OpenAI, "https://proxy.example.com"));

        Assert.Equal("https://proxy.example.com/v1/embeddings", message.RequestUri!.AbsoluteUri);
    }

    [Fact]
    public void GroqType_DefaultBaseUrl_KeepsOpenAIV1Path()
    {
        // Groq's OpenAI endpoint is https://api.groq.com/openai/v1/chat/completions (one-api's default base is ".../openai").
        using var message = _adaptor.Build(Fixture.Request(ChatBody), Channel(29));

        Assert.Equal("https://api.groq.com/openai/v1/chat/completions", message.RequestUri!.AbsoluteUri);
    }

    [Fact]
    public void GeminiOpenAICompatibleType_DefaultBaseUrl_PostsUnderV1BetaOpenAI()
    {
        using var message = _adaptor.Build(Fixture.Request(ChatBody), Channel(51));

        Assert.Equal("https://generativelanguage.googleapis.com/v1beta/openai/chat/completions", message.RequestUri!.AbsoluteUri);
    }

    [Fact]
    public void CloudflareGatewayBaseUrl_OpenAIType_DropsV1FromPath()
    {
        // one-api's GetFullRequestURL: a gateway.ai.cloudflare.com base already ends in the provider segment.
        using var message = _adaptor.Build(Fixture.Request(ChatBody),
            Channel(ChannelTypes.OpenAI, "https://gateway.ai.cloudflare.com/v1/acct/gw/openai"));

        Assert.Equal("https://gateway.ai.cloudflare.com/v1/acct/gw/openai/chat/completions", message.RequestUri!.AbsoluteUri);
    }

    [Fact]
    public void AnyRequest_SendsChannelKeyAsBearer()
    {
        using var message = _adaptor.Build(Fixture.Request(ChatBody), Channel(ChannelTypes.OpenAI, key: "sk-channel-key"));

        Assert.Equal("Bearer", message.Headers.Authorization!.Scheme);
        Assert.Equal("sk-channel-key", message.Headers.Authorization.Parameter);
        Assert.Equal("application/json", message.Content!.Headers.ContentType!.MediaType);
    }

    [Fact]
    public void StreamRequest_AcceptsEventStream()
    {
        using var message = _adaptor.Build(
            Fixture.Request("""{"model":"gpt-4o","stream":true,"messages":[]}"""), Channel(ChannelTypes.OpenAI));

        Assert.Contains(message.Headers.Accept, accept => accept.MediaType == "text/event-stream");
    }

    [Fact]
    public async Task UneditedRequest_ForwardsClientBytesUntouched()
    {
        // Odd spacing, key order, an escaped and a literal non-ASCII character, and a number form a re-serialiser would change.
        const string raw = "{ \"model\" :\"gpt-4o\",\n\t\"messages\":[ {\"role\":\"user\",\"content\":\"caf\\u00e9 \u4f60\u597d \\ud83d\\ude00\"} ],\r\n \"temperature\": 1.0e0 , \"x_unknown\":{} }";
        var request = Fixture.Request(raw);

        using var message = _adaptor.Build(request, Channel(ChannelTypes.OpenAI));
        var sent = await message.Content!.ReadAsByteArrayAsync();

        Assert.False(request.BodyChanged);
        Assert.Equal(System.Text.Encoding.UTF8.GetBytes(raw), sent);
    }

    [Fact]
    public async Task MappedModel_ReserialisesBodyWithNewModelAndKeepsOtherFields()
    {
        var request = Fixture.Request("""{ "model": "gpt-4o", "messages": [{"role":"user","content":"caf\u00e9"}], "temperature": 0.5, "x_unknown": {"a": [1, 2]} }""");
        request.MapModel("gpt-4o-2024-08-06");

        using var message = _adaptor.Build(request, Channel(ChannelTypes.OpenAI));
        var sent = JsonNode.Parse(await message.Content!.ReadAsByteArrayAsync())!.AsObject();

        Assert.Equal("gpt-4o-2024-08-06", (string?)sent["model"]);
        Assert.Equal("café", (string?)sent["messages"]![0]!["content"]);
        Assert.Equal(0.5, (double?)sent["temperature"]);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"a":[1,2]}"""), sent["x_unknown"]));
    }

    [Fact]
    public async Task EditedBody_ReserialisedKeepsTextAsUtf8()
    {
        // Go's encoding/json (one-api) writes non-ASCII text as UTF-8; \uXXXX escapes would double a CJK prompt's size.
        var request = Fixture.Request("""{"model":"gpt-4o","messages":[{"role":"user","content":"caf\u00e9 你好 \"q\" \\ \n"}]}""");
        request.Edit(body => body["temperature"] = 0.5);

        using var message = _adaptor.Build(request, Channel(ChannelTypes.OpenAI));
        var sent = System.Text.Encoding.UTF8.GetString(await message.Content!.ReadAsByteArrayAsync());

        Assert.Contains("""café 你好 \"q\" \\ \n""", sent, StringComparison.Ordinal);
        Assert.Equal("café 你好 \"q\" \\ \n", (string?)JsonNode.Parse(sent)!["messages"]![0]!["content"]);
    }

    [Fact]
    public async Task MappedModel_OnlyTheModelsBytesChange()
    {
        const string client = """{ "messages":[{"role":"user","content":"caf\u00e9 \"q\""}], "model" : "gpt-4o", "n":1 }""";
        var request = Fixture.Request(client);
        request.MapModel("gpt-4o-mini");

        using var message = _adaptor.Build(request, Channel(ChannelTypes.OpenAI));
        var sent = System.Text.Encoding.UTF8.GetString(await message.Content!.ReadAsByteArrayAsync());

        Assert.Equal(client.Replace("\"gpt-4o\"", "\"gpt-4o-mini\"", StringComparison.Ordinal), sent);
        Assert.False(request.BodyParsed);
    }

    [Fact]
    public async Task EditedRequest_SendsEditedJson()
    {
        var request = Fixture.Request("""{"model":"gpt-4o","stream":true,"messages":[]}""");
        request.Edit(body => body["stream_options"] = new JsonObject { ["include_usage"] = true });

        using var message = _adaptor.Build(request, Channel(ChannelTypes.OpenAI));
        var sent = JsonNode.Parse(await message.Content!.ReadAsByteArrayAsync())!.AsObject();

        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""{"model":"gpt-4o","stream":true,"messages":[],"stream_options":{"include_usage":true}}"""), sent));
    }
}
