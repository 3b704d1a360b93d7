global using OneApi.Relay.Catalog;
using OneApi.Relay.Abstractions;
using OneApi.Relay.Adaptors;
using OneApi.Relay.Adaptors.Anthropic;
using OneApi.Relay.Adaptors.AwsBedrock;
using OneApi.Relay.Adaptors.Baidu;
using OneApi.Relay.Adaptors.Azure;
using OneApi.Relay.Adaptors.Cloudflare;
using OneApi.Relay.Adaptors.DashScope;
using OneApi.Relay.Adaptors.DeepL;
using OneApi.Relay.Adaptors.Gemini;
using OneApi.Relay.Adaptors.Ollama;
using OneApi.Relay.Adaptors.OpenAI;
using OneApi.Relay.Adaptors.Tencent;
using OneApi.Relay.Adaptors.Replicate;
using OneApi.Relay.Adaptors.VertexAI;
using OneApi.Relay.Adaptors.Xunfei;
using OneApi.Relay.Adaptors.Zhipu;
using OneApi.Relay.Images;

namespace OneApi.Relay.Tests;

/// <summary>Adaptors as the gateway pairs them: from the catalogue, with one instance of each host.</summary>
internal static class TestAdaptors
{
    public static IChannelAdaptor For(int channelType, string model, WireFormatSettings? settings = null, IGoogleAccessTokens? tokens = null,
        TimeProvider? time = null, BaiduAccessTokens? baidu = null) =>
        new ChannelAdaptors(settings ?? WireFormatSettings.Default with { Time = time }, Hosts(tokens, time, settings?.Gemini, baidu)).For(channelType, model)
        ?? throw new InvalidOperationException($"type {channelType} is not relayed");

    public static IUpstreamHost[] Hosts(IGoogleAccessTokens? tokens = null, TimeProvider? time = null, GeminiOptions? gemini = null,
        BaiduAccessTokens? baidu = null) =>
    [
        new BearerHost(), new CloudflareHost(), JsonLinesHost.Ollama, JsonLinesHost.Cohere, new DeepLHost(), new SparkHost(time), new TencentHost(time),
        ConfiguredBearerHost.Coze, ConfiguredBearerHost.AIProxyLibrary, new ZhipuHost(new ZhipuTokens(time)), new AzureHost(), new AnthropicHost(), new BedrockHost(time), new GoogleAIHost(gemini ?? GeminiOptions.Default),
        new VertexHost(tokens ?? new StubGoogleTokens()), new ReplicateHost(time ?? TimeProvider.System, TimeSpan.FromMinutes(5)),
        new BaiduHost(baidu ?? new BaiduTokenEndpoint().Tokens(time)), new DashScopeHost(),
    ];

    public static IChannelAdaptor OpenAI() => For(ChannelTypes.OpenAI, "gpt-4o-mini");

    public static IChannelAdaptor Azure() => For(ChannelTypes.Azure, "gpt-4o-mini");

    public static IChannelAdaptor Anthropic(UserImageFetcher? images = null) =>
        HostedAdaptor.Create(new ClaudeMessagesFormat(images), new AnthropicHost());

    /// <summary>Every frame the adaptor makes of a recorded stream.</summary>
    public static async Task<List<StreamFrame>> FramesAsync(this IChannelAdaptor adaptor, string fixture, RelayRequest request)
    {
        var frames = new List<StreamFrame>();
        await foreach (var frame in adaptor.ReadStreamAsync(Fixture.Stream(fixture), request, CancellationToken.None))
        {
            frames.Add(frame);
        }
        return frames;
    }

    /// <summary>Builds synchronously, for tests of request shapes (no I/O happens in them).</summary>
    public static HttpRequestMessage Build(this IChannelAdaptor adaptor, RelayRequest request, UpstreamChannel channel) =>
        adaptor.BuildRequestAsync(request, channel, CancellationToken.None).AsTask().GetAwaiter().GetResult();
}

/// <summary>Hands out "token-for-{key}" without calling Google, or fails as an unusable key does.</summary>
internal sealed class StubGoogleTokens(bool fail = false) : IGoogleAccessTokens
{
    public int Calls { get; private set; }

    public Task<string> GetAsync(string serviceAccountJson, CancellationToken cancellationToken)
    {
        Calls++;
        return fail ? Task.FromException<string>(new InvalidOperationException("invalid_grant")) : Task.FromResult("token-for-" + serviceAccountJson);
    }
}
