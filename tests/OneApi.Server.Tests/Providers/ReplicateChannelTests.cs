using System.ClientModel;
using Microsoft.EntityFrameworkCore;
using OneApi.Data.Entities;
using OneApi.Server.Tests.Infrastructure;
using OpenAI.Chat;
using OpenAI.Images;

namespace OneApi.Server.Tests.Providers;

/// <summary>
/// The OpenAI .NET SDK through the gateway to a fake Replicate (type 46): FLUX pictures and FLUX Fill edits, Llama chat
/// and streams, each a prediction created, then polled or streamed; billed per picture (one a request) or by the
/// prediction's token metrics. The pool polls predictions for 2 s (REPLICATE_POLL_TIMEOUT).
/// </summary>
public sealed class ReplicateChannelTests(ProviderPool pool) : IClassFixture<ProviderPool>
{
    private const string Flux = "black-forest-labs/flux-schnell";
    private const string FluxFill = "black-forest-labs/flux-fill-pro";
    private const string Llama = "meta/meta-llama-3-70b-instruct";

    private Task<TestAccount> AccountAsync(string model, string scenario = "ok") =>
        pool.AccountAsync(46, model, group => pool.Replicate.BaseUrl(group, scenario));

    [Fact]
    public async Task Image_CreatesAPredictionAndPollsIt_AnswersItsUrl_BilledOnePicture()
    {
        var account = await AccountAsync(Flux);

        var image = await pool.Client(account).GetImageClient(Flux).GenerateImageAsync("a red fox in snow",
            new ImageGenerationOptions { Size = GeneratedImageSize.W1792xH1024 });

        var calls = pool.Replicate.Calls(account.Group);
        Assert.Equal(pool.Replicate.BaseUrl(account.Group, "ok") + "/files/out-0.png", image.Value.ImageUri.ToString());
        Assert.Equal("/v1/models/black-forest-labs/flux-schnell/predictions", calls[0].Path);
        Assert.Equal(("wait", "16:9", "a red fox in snow"), (calls[0].Header("Prefer"), (string?)calls[0].Json["input"]!["aspect_ratio"], (string?)calls[0].Json["input"]!["prompt"]));
        Assert.Equal(("GET", 2), (calls[1].Method, calls.Count));
        // $0.003 a picture → ratio 1.5 → int(1.5 × 1000), one picture
        var log = await pool.ConsumeLogAsync(account);
        Assert.Equal((Flux, 1_500), (log.ModelName, log.Quota));
    }

    [Fact]
    public async Task Image_AsBytes_IsFetchedFromItsUrl()
    {
        var account = await AccountAsync(Flux);

        var image = await pool.Client(account).GetImageClient(Flux).GenerateImageAsync("a red fox in snow",
            new ImageGenerationOptions { ResponseFormat = GeneratedImageFormat.Bytes });

        Assert.Equal(FakeReplicateUpstream.Picture, image.Value.ImageBytes.ToArray());
        Assert.Null(pool.Replicate.Calls(account.Group).Single(c => c.Path == "/files/out-0.png").Header("Authorization"));
    }

    [Fact]
    public async Task Edit_WithFluxFill_SendsTheMaskBlackAndWhite_BilledOnePicture()
    {
        var account = await AccountAsync(FluxFill);
        using var picture = new MemoryStream(FakeReplicateUpstream.Picture);
        using var mask = new MemoryStream(Convert.FromBase64String(FakeReplicateUpstream.OpenAIMask));

        var edited = await pool.Client(account).GetImageClient(FluxFill).GenerateImageEditAsync(picture, "fox.png", "make it snow", mask, "mask.png",
            new ImageEditOptions { ResponseFormat = GeneratedImageFormat.Bytes });

        Assert.Equal(FakeReplicateUpstream.Picture, edited.Value.ImageBytes.ToArray());
        Assert.Equal("/v1/models/black-forest-labs/flux-fill-pro/predictions", pool.Replicate.Calls(account.Group)[0].Path);
        // $0.05 a picture → ratio 25 → int(25 × 1000)
        Assert.Equal(25_000, (await pool.ConsumeLogAsync(account)).Quota);
    }

    [Fact]
    public async Task Chat_WaitsForThePrediction_BilledByItsTokenMetrics()
    {
        var account = await AccountAsync(Llama);

        var result = await pool.Client(account).GetChatClient(Llama).CompleteChatAsync([new SystemChatMessage("Be brief."), new UserChatMessage("Hi")]);

        Assert.Equal("Hello from Replicate!", result.Value.Content[0].Text);
        var create = pool.Replicate.Calls(account.Group)[0];
        Assert.Equal(("user: Hi\n", "Be brief.", false), ((string?)create.Json["input"]!["prompt"], (string?)create.Json["input"]!["system_prompt"], (bool)create.Json["stream"]!));
        var log = await pool.ConsumeLogAsync(account);
        Assert.Equal((FakeReplicateUpstream.InputTokens, FakeReplicateUpstream.OutputTokens), (log.PromptTokens, log.CompletionTokens));
        Assert.Equal(LlamaQuota(log), log.Quota);
    }

    [Fact]
    public async Task Stream_ReadsThePredictionsStream_AsChunks()
    {
        var account = await AccountAsync(Llama);

        var (text, usage, finish) = await pool.Client(account).GetChatClient(Llama).StreamAsync([new UserChatMessage("Hi")]);

        Assert.Equal(("Hello from Replicate!", ChatFinishReason.Stop), (text, finish));
        Assert.Equal((FakeReplicateUpstream.InputTokens, FakeReplicateUpstream.OutputTokens), (usage?.InputTokenCount, usage?.OutputTokenCount));
        var calls = pool.Replicate.Calls(account.Group);
        Assert.Equal((true, null), ((bool)calls[0].Json["stream"]!, calls[0].Header("Prefer")));
        Assert.StartsWith("/stream/chat-", calls[1].Path, StringComparison.Ordinal);
        var log = await pool.ConsumeLogAsync(account);
        Assert.Equal((FakeReplicateUpstream.InputTokens, FakeReplicateUpstream.OutputTokens), (log.PromptTokens, log.CompletionTokens));
        Assert.Equal(LlamaQuota(log), log.Quota);
    }

    [Fact]
    public async Task StreamThatBreaks_KeepsWhatArrived_AndBillsIt()
    {
        var account = await AccountAsync(Llama, "stream-error");

        var (text, _, _) = await pool.Client(account).GetChatClient(Llama).StreamAsync([new UserChatMessage("Hi")]);

        Assert.Equal("Hello", text);
        var log = await pool.ConsumeLogAsync(account);
        Assert.Equal(LlamaQuota(log), log.Quota);
    }

    [Theory]
    [InlineData("failed", 500, FakeReplicateUpstream.Failure)]
    [InlineData("canceled", 500, "the prediction was canceled")]
    [InlineData("slow", 504, "did not finish within 2 s")]
    [InlineData("refuse", 422, "Invalid type. Expected: string, given: null")]
    [InlineData("unavailable", 503, "Replicate is temporarily unavailable")]
    [InlineData("malformed", 502, "not a prediction")]
    public async Task Image_ThatFails_IsAnOpenAIError_AndNothingIsBilled(string scenario, int status, string message)
    {
        var account = await AccountAsync(Flux, scenario);

        var error = await Assert.ThrowsAsync<ClientResultException>(() => pool.Client(account).GetImageClient(Flux).GenerateImageAsync("a red fox in snow"));

        Assert.Equal(status, error.Status);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        await using var db = await pool.Gateway.DbAsync();
        Assert.False(await db.Logs.AnyAsync(l => l.UserId == account.UserId && l.Type == LogType.Consume));
        if (scenario == "slow")
        {
            Assert.Contains(pool.Replicate.Calls(account.Group), c => c.Method == "POST" && c.Path.EndsWith("/cancel", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Chat_ThatFails_IsAnOpenAIError()
    {
        var account = await AccountAsync(Llama, "failed");

        var error = await Assert.ThrowsAsync<ClientResultException>(() => pool.Client(account).GetChatClient(Llama).CompleteChatAsync([new UserChatMessage("Hi")]));

        Assert.Equal(500, error.Status);
        Assert.Contains("prediction_failed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChannelTest_OfALlamaChannel_Passes()
    {
        var account = await AccountAsync(Llama);
        await using var db = await pool.Gateway.DbAsync();
        var channelId = await db.Channels.Where(c => c.Group == account.Group).Select(c => c.Id).SingleAsync();

        var result = System.Text.Json.Nodes.JsonNode.Parse(await pool.Gateway.Admin.GetStringAsync($"/api/channel/test/{channelId}"))!;

        Assert.True((bool)result["success"]!, result.ToJsonString());
        Assert.Equal("Hello from Replicate!", (string?)result["message"]);
    }

    /// <summary>one-api's chat formula with Llama 3 70B's prices: $0.65 in, $2.75 out a million tokens.</summary>
    private static long LlamaQuota(Log log) => (long)Math.Ceiling((log.PromptTokens + log.CompletionTokens * (2.75 / 0.65)) * (0.65 * 0.5));
}
