using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OneApi.Data.Entities;
using OneApi.Relay.Abstractions;
using OneApi.Relay.Adaptors.Anthropic;
using OneApi.Relay.Adaptors.AwsBedrock;
using OneApi.Relay.Adaptors.Gemini;
using OneApi.Relay.OpenAI;
using OneApi.Server.Channels;
using OneApi.Server.Tests.Infrastructure;

namespace OneApi.Server.Tests.Hardening;

/// <summary>
/// A user must not be able to switch a shared channel off for everyone: only errors that say the account is unusable
/// disable it, never words the upstream quotes from the request.
/// </summary>
public sealed class ChannelDisableTests(ChannelDisableTests.Pool pool) : IClassFixture<ChannelDisableTests.Pool>
{
    public sealed class Pool : GatewayPool;

    private const string BaitWords =
        "Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits. " +
        "insufficient_quota, balance, credit, quota exceeded, permission denied, api key not valid, organization has been disabled, 已欠费";

    [Fact]
    public async Task BadRequestQuotingBillingWords_LeavesTheSharedChannelEnabled()
    {
        var gateway = await AutoDisablingGatewayAsync();
        var attacker = await gateway.CreateAccountAsync();
        var channel = await gateway.CreateChannelAsync(attacker.Group, "gpt-4o-mini", pool.Upstream.BaseUrl(attacker.Group, "error400-echo"));

        using var response = await gateway.RelayAsync("Bearer " + attacker.Key,
            $$"""{"model":"gpt-4o-mini","user":{{System.Text.Json.JsonSerializer.Serialize(BaitWords)}},"messages":[{"role":"user","content":"hi"}]}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("credit balance", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(ChannelStatus.Enabled, await StatusOfAsync(gateway, channel));
    }

    [Theory]
    [InlineData("error401")]
    [InlineData("error429-quota")]
    public async Task AccountUnusable_DisablesTheChannel(string scenario)
    {
        var gateway = await AutoDisablingGatewayAsync();
        var account = await gateway.CreateAccountAsync();
        var channel = await gateway.CreateChannelAsync(account.Group, "gpt-4o-mini", pool.Upstream.BaseUrl(account.Group, scenario));

        using var response = await gateway.RelayAsync("Bearer " + account.Key, TestGateway.ChatRequest());

        Assert.False(response.IsSuccessStatusCode);
        Assert.Equal(ChannelStatus.AutoDisabled, await StatusOfAsync(gateway, channel));
    }

    [Fact]
    public async Task ChannelTests_ApplyTheSamePolicy()
    {
        var gateway = await AutoDisablingGatewayAsync();
        var group = "cd" + Guid.NewGuid().ToString("N")[..8];
        var noCredit = await gateway.CreateChannelAsync(group + "q", "gpt-4o-mini", pool.Upstream.BaseUrl(group, "error429-quota"));
        var badRequest = await gateway.CreateChannelAsync(group + "b", "gpt-4o-mini", pool.Upstream.BaseUrl(group, "error400-echo"));

        await gateway.Services.GetRequiredService<ChannelTestBatch>().RunAsync(disabledOnly: false, testerId: 1, notifyRoot: false, CancellationToken.None);

        Assert.Equal(ChannelStatus.AutoDisabled, await StatusOfAsync(gateway, noCredit));
        Assert.Equal(ChannelStatus.Enabled, await StatusOfAsync(gateway, badRequest));
    }

    public static TheoryData<string, int, string, bool> ProviderErrors() => new()
    {
        // Anthropic's empty-balance answer is a 400 invalid_request_error: only its exact message counts.
        { "anthropic", 400, """{"type":"error","error":{"type":"invalid_request_error","message":"Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits."}}""", true },
        { "anthropic", 400, """{"type":"error","error":{"type":"invalid_request_error","message":"Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.: Extra inputs are not permitted"}}""", false },
        { "anthropic", 400, """{"type":"error","error":{"type":"invalid_request_error","message":"messages.0.content: credit balance quota billing permission"}}""", false },
        { "anthropic", 401, """{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}""", true },
        { "anthropic", 402, """{"type":"error","error":{"type":"billing_error","message":"billing issue"}}""", true },
        { "anthropic", 403, """{"type":"error","error":{"type":"permission_error","message":"no access"}}""", true },
        { "anthropic", 429, """{"type":"error","error":{"type":"rate_limit_error","message":"Number of requests has exceeded your rate limit"}}""", false },
        { "bedrock", 403, """{"message":"You don't have access to the model with the specified model ID."}""", true },
        { "bedrock", 400, """{"message":"Malformed input request: credit balance, quota, account"}""", false },
        { "openai", 400, """{"error":{"code":400,"message":"API key not valid. Please pass a valid API key.","status":"INVALID_ARGUMENT","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"API_KEY_INVALID"}]}}""", true },
        { "openai", 400, """{"error":{"code":400,"message":"Invalid value 'API key not valid', permission denied","status":"INVALID_ARGUMENT"}}""", false },
        { "openai", 403, """{"error":{"code":403,"message":"Permission denied on resource project","status":"PERMISSION_DENIED"}}""", true },
        { "openai", 400, """{"error":{"message":"billing_not_active quota credit","type":"invalid_request_error","param":"user","code":"invalid_value"}}""", false },
        { "openai", 429, """{"error":{"message":"Your account is not active, please check your billing details on our website.","type":"billing_not_active","code":"billing_not_active"}}""", true },
        { "google", 400, """{"error":{"code":400,"message":"API key not valid. Please pass a valid API key.","status":"INVALID_ARGUMENT","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"API_KEY_INVALID","domain":"googleapis.com"}]}}""", true },
        { "google", 400, """{"error":{"code":400,"message":"Invalid value at 'contents[0]' (credit balance)","status":"INVALID_ARGUMENT"}}""", false },
        { "google", 429, """{"error":{"code":429,"message":"Resource has been exhausted (e.g. check quota).","status":"RESOURCE_EXHAUSTED"}}""", false },
    };

    [Theory]
    [MemberData(nameof(ProviderErrors))]
    public void Policy_DecidesOnStatusTypeAndCode_NeverOnMessageWords(string provider, int status, string body, bool disables)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(body);
        var error = provider switch
        {
            "anthropic" => AnthropicErrors.Read(status, bytes),
            "bedrock" => new BedrockHost().ReadError(status, bytes)!,
            "google" => GoogleErrors.Read(status, bytes),
            _ => OpenAIError.Parse(status, bytes),
        };

        Assert.Equal(RelayErrorKind.UpstreamStatus, error.Kind);
        Assert.Equal(disables, ChannelDisablePolicy.ShouldDisable(error));
    }

    private async Task<TestGateway> AutoDisablingGatewayAsync()
    {
        var gateway = await pool.GetAsync("sqlite");
        await gateway.SetOptionAsync("RetryTimes", "0");
        await gateway.SetOptionAsync("AutomaticDisableChannelEnabled", "true");
        return gateway;
    }

    private static async Task<int> StatusOfAsync(TestGateway gateway, int channel)
    {
        await using var db = await gateway.DbAsync();
        return (await db.Channels.SingleAsync(c => c.Id == channel)).Status;
    }
}
