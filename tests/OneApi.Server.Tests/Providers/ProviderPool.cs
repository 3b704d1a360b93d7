using OneApi.Server.Tests.Infrastructure;

namespace OneApi.Server.Tests.Providers;

/// <summary>One SQLite gateway and every fake provider, shared by the provider tests; each test has its own group and channel.</summary>
public sealed class ProviderPool : IAsyncLifetime
{
    public TestGateway Gateway { get; private set; } = null!;
    public FakeAnthropicUpstream Anthropic { get; private set; } = null!;
    public FakeReasoningUpstream Reasoning { get; private set; } = null!;
    public FakeBedrockUpstream Bedrock { get; private set; } = null!;
    public FakeVertexUpstream Vertex { get; private set; } = null!;
    public FakeGeminiUpstream Gemini { get; private set; } = null!;
    public FakeOpenAIUpstream OpenAI { get; private set; } = null!;
    public FakeOllamaUpstream Ollama { get; private set; } = null!;
    public FakeCohereUpstream Cohere { get; private set; } = null!;
    public FakeDeepLUpstream DeepL { get; private set; } = null!;
    public FakeSparkUpstream Spark { get; private set; } = null!;
    public FakeTencentUpstream Tencent { get; private set; } = null!;
    public FakeCozeUpstream Coze { get; private set; } = null!;
    public FakeAIProxyLibraryUpstream AIProxyLibrary { get; private set; } = null!;
    public FakeReplicateUpstream Replicate { get; private set; } = null!;
    public FakeBaiduUpstream Baidu { get; private set; } = null!;
    public FakeDashScopeUpstream DashScope { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Anthropic = await FakeAnthropicUpstream.StartAsync();
        Reasoning = await FakeReasoningUpstream.StartAsync();
        Bedrock = await FakeBedrockUpstream.StartAsync();
        Vertex = await FakeVertexUpstream.StartAsync();
        Gemini = await FakeGeminiUpstream.StartAsync();
        OpenAI = await FakeOpenAIUpstream.StartAsync();
        Ollama = await FakeOllamaUpstream.StartAsync();
        Cohere = await FakeCohereUpstream.StartAsync();
        DeepL = await FakeDeepLUpstream.StartAsync();
        Spark = await FakeSparkUpstream.StartAsync();
        Tencent = await FakeTencentUpstream.StartAsync();
        Coze = await FakeCozeUpstream.StartAsync();
        AIProxyLibrary = await FakeAIProxyLibraryUpstream.StartAsync();
        Replicate = await FakeReplicateUpstream.StartAsync();
        Baidu = await FakeBaiduUpstream.StartAsync();
        DashScope = await FakeDashScopeUpstream.StartAsync();
        Gateway = await TestGateway.StartAsync("sqlite", new Dictionary<string, string?>
        {
            ["OPENROUTER_PROVIDER_SORT"] = "latency",
            ["USER_CONTENT_REQUEST_TIMEOUT"] = "2",
            ["REPLICATE_POLL_TIMEOUT"] = "2",
            // DashScope's picture links, fetched for clients that ask for b64_json.
            ["USER_CONTENT_ALLOWED_HOSTS"] = "127.0.0.1:" + new Uri(DashScope.Root).Port,
        });
    }

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Anthropic.DisposeAsync();
        await Reasoning.DisposeAsync();
        await Bedrock.DisposeAsync();
        await Vertex.DisposeAsync();
        await Gemini.DisposeAsync();
        await OpenAI.DisposeAsync();
        await Ollama.DisposeAsync();
        await Cohere.DisposeAsync();
        await DeepL.DisposeAsync();
        await Spark.DisposeAsync();
        await Tencent.DisposeAsync();
        await Coze.DisposeAsync();
        await AIProxyLibrary.DisposeAsync();
        await Replicate.DisposeAsync();
        await Baidu.DisposeAsync();
        await DashScope.DisposeAsync();
    }
}
