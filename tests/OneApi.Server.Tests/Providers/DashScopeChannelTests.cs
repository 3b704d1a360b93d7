using System.ClientModel;
using OneApi.Server.Tests.Infrastructure;
using OpenAI;
using OpenAI.Chat;
using OpenAI.Images;

namespace OneApi.Server.Tests.Providers;

/// <summary>The OpenAI .NET SDK through the gateway to a fake Alibaba DashScope (type 17) speaking its native API.</summary>
public sealed class DashScopeChannelTests(ProviderPool pool) : IClassFixture<ProviderPool>
{
    private const string Model = "qwen-plus";

    /// <summary>one-api's ratio for qwen-plus: ¥0.0008 per 1K tokens × 500 / 7; completion ratio 1.</summary>
    private const double Ratio = 0.0008 * 500 / 7;

    private Task<TestAccount> AccountAsync(string model = Model, string scenario = "native", object? extra = null) =>
        pool.AccountAsync(17, model, group => pool.DashScope.BaseUrl(group, scenario), extra);

    [Fact]
    public async Task Chat_GoesAsInputMessagesAndParameters_AndInputOutputTokensAreBilled()
    {
        var account = await AccountAsync(extra: new { config = """{"plugin":"{\"pdf_extracter\":{}}"}""" });

        var result = await pool.Client(account).GetChatClient(Model).CompleteChatAsync(
            [new SystemChatMessage("Be brief."), new UserChatMessage("Hi")], new ChatCompletionOptions { TopP = 1 });

        Assert.Equal("Hello from Qwen!", result.Value.Content[0].Text);
        var call = pool.DashScope.Calls(account.Group).Single();
        Assert.Equal("/api/v1/services/aigc/text-generation/generation", call.Path);
        Assert.Equal(("qwen-plus", "message", 0.9999), ((string?)call.Json["model"], (string?)call.Json["parameters"]!["result_format"], (double)call.Json["parameters"]!["top_p"]!));
        Assert.Equal(2, call.Json["input"]!["messages"]!.AsArray().Count);
        Assert.Equal("""{"pdf_extracter":{}}""", call.Header("X-DashScope-Plugin"));
        var log = await pool.ConsumeLogAsync(account);
        Assert.Equal((FakeDashScopeUpstream.InputTokens, FakeDashScopeUpstream.OutputTokens), (log.PromptTokens, log.CompletionTokens));
        Assert.Equal((long)Math.Ceiling((FakeDashScopeUpstream.InputTokens + FakeDashScopeUpstream.OutputTokens) * Ratio), log.Quota);
    }

    [Fact]
    public async Task Stream_AsksForIncrementalSse_AndTheFinishingEventsUsageIsBilled()
    {
        var account = await AccountAsync();

        var (text, usage, finish) = await pool.Client(account).GetChatClient(Model).StreamAsync([new UserChatMessage("Hi")]);

        Assert.Equal(("Hello from Qwen!", ChatFinishReason.Stop), (text, finish));
        Assert.Equal(FakeDashScopeUpstream.OutputTokens, usage?.OutputTokenCount);
        var call = pool.DashScope.Calls(account.Group).Single();
        Assert.True((bool)call.Json["parameters"]!["incremental_output"]!);
        var log = await pool.ConsumeLogAsync(account);
        Assert.Equal((FakeDashScopeUpstream.InputTokens, FakeDashScopeUpstream.OutputTokens, true), (log.PromptTokens, log.CompletionTokens, log.IsStream));
    }

    [Fact]
    public async Task BadKey_Is401WithDashScopesMessage()
    {
        var account = await AccountAsync(extra: new { key = "wrong" });

        var error = await Assert.ThrowsAsync<ClientResultException>(() => pool.Client(account).GetChatClient(Model).CompleteChatAsync([new UserChatMessage("Hi")]));

        Assert.Equal(401, error.Status);
        Assert.Contains("Invalid API-key provided.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Embeddings_GoAsTexts_AndTheirTokensAreBilled()
    {
        const string model = "text-embedding-v2";
        var account = await AccountAsync(model);

        var result = await pool.Client(account).GetEmbeddingClient(model).GenerateEmbeddingsAsync(["Hi"]);

        Assert.Equal([0.25f, -0.5f], result.Value[0].ToFloats().ToArray());
        Assert.Equal("Hi", (string?)pool.DashScope.Calls(account.Group).Single().Json["input"]!["texts"]![0]);
        var log = await pool.ConsumeLogAsync(account);
        Assert.Equal((long)Math.Ceiling(FakeDashScopeUpstream.InputTokens * 0.0007 * 500 / 7), log.Quota);
    }

    [Fact]
    public async Task WanxImage_IsSubmittedAsATaskAndAskedAfter_AndBilledPerPicture()
    {
        const string model = "wanx-v1";
        var account = await AccountAsync(model);

        var result = await Images(account, model).GenerateImageAsync("a penguin", new ImageGenerationOptions { Size = GeneratedImageSize.W1024xH1024 });

        Assert.Equal(FakeDashScopeUpstream.ImageUrl, result.Value.ImageUri.AbsoluteUri);
        var calls = pool.DashScope.Calls(account.Group);
        Assert.Equal(["/api/v1/services/aigc/text2image/image-synthesis", "/api/v1/tasks/task-1"], calls.Select(c => c.Path));
        Assert.Equal(("a penguin", "1024*1024"), ((string?)calls[0].Json["input"]!["prompt"], (string?)calls[0].Json["parameters"]!["size"]));
        // wanx-v1: ratio 8 → int(8 × 1000) a picture
        var log = await pool.ConsumeLogAsync(account);
        Assert.Equal((model, 8_000), (log.ModelName, log.Quota));
    }

    [Fact]
    public async Task WanxImage_AskedForAsBytes_IsFetchedFromItsLink()
    {
        const string model = "wanx-v1";
        var account = await AccountAsync(model, "local");

        var result = await Images(account, model).GenerateImageAsync("a penguin", new ImageGenerationOptions { ResponseFormat = GeneratedImageFormat.Bytes });

        Assert.Equal(FakeImageHost.Png, result.Value.ImageBytes.ToArray());
        Assert.Null(result.Value.ImageUri);
        Assert.Contains(pool.DashScope.Calls(account.Group), c => c.Path == "/picture.png");
    }

    [Fact]
    public async Task WanxImage_AskedForAsBytes_StaysALinkWhenThePictureCannotBeHad()
    {
        const string model = "wanx-v1";
        var account = await AccountAsync(model, "lost");

        var result = await Images(account, model).GenerateImageAsync("a penguin", new ImageGenerationOptions { ResponseFormat = GeneratedImageFormat.Bytes });

        Assert.EndsWith("/gone.png", result.Value.ImageUri.AbsolutePath, StringComparison.Ordinal);
        Assert.Null(result.Value.ImageBytes);
    }

    [Fact]
    public async Task FailedWanxTask_IsTheTasksError_AndNothingIsBilled()
    {
        const string model = "wanx-v1";
        var account = await AccountAsync(model, "failing");

        var error = await Assert.ThrowsAsync<ClientResultException>(() => Images(account, model).GenerateImageAsync("a penguin"));

        Assert.Contains("inappropriate content", error.Message, StringComparison.Ordinal);
        Assert.False(await pool.BilledAnythingAsync(account));
    }

    private ImageClient Images(TestAccount account, string model) =>
        new(model, new ApiKeyCredential(account.Key), new OpenAIClientOptions { Endpoint = new Uri(pool.Gateway.BaseUrl + "/v1") });
}
