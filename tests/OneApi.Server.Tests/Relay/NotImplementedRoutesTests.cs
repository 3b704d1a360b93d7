using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OneApi.Relay.Tokens;
using OneApi.Server.Tests.Infrastructure;

namespace OneApi.Server.Tests.Relay;

/// <summary>The routes one-api answers with <c>RelayNotImplemented</c> (LB <c>router/relay.go</c>), and only those, answer 501 with its body.</summary>
public sealed class NotImplementedRoutesTests(SpecialRoutesPool pool) : IClassFixture<SpecialRoutesPool>
{
    private const string OneApisBody = """{"error":{"message":"API not implemented","type":"one_api_error","param":"","code":"api_not_implemented"}}""";

    [Theory]
    [InlineData("GET", "/v1/files")]
    [InlineData("POST", "/v1/files")]
    [InlineData("GET", "/v1/files/file-1/content")]
    [InlineData("DELETE", "/v1/files/file-1")]
    [InlineData("GET", "/v1/fine_tuning/jobs/ft-1/events")]
    [InlineData("POST", "/v1/fine_tuning/jobs/ft-1/cancel")]
    [InlineData("DELETE", "/v1/models/ft:gpt-4o-mini")]
    [InlineData("POST", "/v1/assistants")]
    [InlineData("DELETE", "/v1/assistants/a-1/files/f-1")]
    [InlineData("POST", "/v1/threads/t-1/runs/r-1/submit_tool_outputs")]
    [InlineData("GET", "/v1/threads/t-1/runs/r-1/steps/s-1")]
    public async Task OneApisNotImplementedRoute_Answers501WithItsExactBody(string method, string path)
    {
        var account = await pool.Gateway.CreateAccountAsync();

        var response = await pool.SendAsync(account, new HttpMethod(method), path, method == "GET" ? null : "{}");

        Assert.Equal((HttpStatusCode.NotImplemented, OneApisBody), (response.StatusCode, await response.Content.ReadAsStringAsync()));
    }

    [Theory]
    [InlineData("/v1/edits")]
    [InlineData("/v1/rerank")]
    [InlineData("/v1/oneapi/proxy/1/v1/files")]
    public async Task RoutesServedNow_AreNot501(string path)
    {
        var account = await pool.Gateway.CreateAccountAsync();

        var response = await pool.SendAsync(account, HttpMethod.Post, path, "{}");

        Assert.NotEqual(HttpStatusCode.NotImplemented, response.StatusCode);
    }

    [Fact]
    public async Task Edits_IsRelayedToTheChannel_AsOneApiDoes()
    {
        var (account, channelId) = await pool.AccountAsync(1, "text-davinci-edit-001", group => pool.ProxyTarget.BaseUrl(group, "ok"));
        const string body = """{"model":"text-davinci-edit-001","input":"What day of the wek is it?","instruction":"Fix the spelling mistakes"}""";

        var response = await pool.SendAsync(account, HttpMethod.Post, "/v1/edits", body);

        Assert.Equal((HttpStatusCode.OK, FakeProxyTarget.Body), (response.StatusCode, await response.Content.ReadAsStringAsync()));
        Assert.Equal(("/v1/edits", body), (pool.ProxyTarget.Calls(account.Group).Single().Path, pool.ProxyTarget.Calls(account.Group).Single().BodyText));
        var counter = pool.Gateway.Services.GetRequiredService<TokenCounter>();
        var log = Assert.Single(await pool.ConsumeLogsAsync(account));
        Assert.Equal((channelId, counter.CountText("Fix the spelling mistakesWhat day of the wek is it?", "text-davinci-edit-001")), (log.ChannelId, log.PromptTokens));
    }
}
