using System.Net;
using OneApi.Data.Entities;
using OneApi.Server.Relay;
using OneApi.Server.Tests.Infrastructure;

namespace OneApi.Server.Tests.Relay;

/// <summary><c>/v1/oneapi/proxy/{channelId}/…</c>: raw pass-through to one channel, for admins only, logged at zero quota.</summary>
public sealed class ProxyRelayTests(SpecialRoutesPool pool) : IClassFixture<SpecialRoutesPool>
{
    private const int OpenAI = 1, ProxyType = 43;

    private Task<(TestAccount Account, int ChannelId)> ChannelAsync(string scenario = "ok", int role = UserRole.Admin, int type = OpenAI, object? extra = null) =>
        pool.AccountAsync(type, "gpt-4o-mini", group => pool.ProxyTarget.BaseUrl(group, scenario), role, extra);

    [Fact]
    public async Task Admin_ReachesTheChannelWithItsKey_AndGetsTheAnswerUntouched()
    {
        var (account, channelId) = await ChannelAsync();

        var response = await pool.SendAsync(account, HttpMethod.Get, $"/v1/oneapi/proxy/{channelId}/v1/vendor/things?limit=2&after=x");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(FakeProxyTarget.Body, await response.Content.ReadAsStringAsync());
        Assert.Equal("trace-" + account.Group, response.Headers.GetValues("X-Vendor-Trace").Single());
        var call = pool.ProxyTarget.Calls(account.Group).Single();
        Assert.Equal(("GET", $"/{account.Group}/ok/v1/vendor/things?limit=2&after=x"), (call.Method, call.RawTarget));
        Assert.Equal("Bearer sk-upstream-" + account.Group, call.Header("Authorization"));
        var log = Assert.Single(await pool.ConsumeLogsAsync(account));
        Assert.Equal((ProxyRelay.ModelName, channelId, 0L, "proxy request, no quota consumption"), (log.ModelName, log.ChannelId, (long)log.Quota, log.Content));
        Assert.Equal((0L, 0L), await pool.SpentAsync(account));
    }

    [Fact]
    public async Task Body_MethodAndContentType_GoAsSent_WithoutTheCallersGatewayKey()
    {
        var (account, channelId) = await ChannelAsync();
        const string body = """{"anything":"the vendor understands"}""";

        await pool.SendAsync(account, HttpMethod.Put, $"/v1/oneapi/proxy/{channelId}/v2/jobs/7", body);

        var call = pool.ProxyTarget.Calls(account.Group).Single();
        Assert.Equal(("PUT", body, "application/json; charset=utf-8"), (call.Method, call.BodyText, call.Header("Content-Type")));
        Assert.DoesNotContain(call.Headers.Values, v => v.Contains(account.Key["sk-".Length..], StringComparison.Ordinal));
    }

    [Fact]
    public async Task ProxyTypeChannel_SendsItsKeyAsTheWholeAuthorizationValue()
    {
        var (account, channelId) = await ChannelAsync(type: ProxyType);

        await pool.SendAsync(account, HttpMethod.Get, $"/v1/oneapi/proxy/{channelId}/status");

        Assert.Equal("sk-upstream-" + account.Group, pool.ProxyTarget.Calls(account.Group).Single().Header("Authorization"));
    }

    [Fact]
    public async Task UpstreamError_ComesBackAsItIs()
    {
        var (account, channelId) = await ChannelAsync("status-503");

        var response = await pool.SendAsync(account, HttpMethod.Post, $"/v1/oneapi/proxy/{channelId}/v1/chat/completions", "{}");

        Assert.Equal((HttpStatusCode.ServiceUnavailable, FakeProxyTarget.Body), (response.StatusCode, await response.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task CommonUser_Is403_AndTheChannelIsNotCalled()
    {
        var (account, channelId) = await ChannelAsync(role: UserRole.Common);

        var response = await pool.SendAsync(account, HttpMethod.Get, $"/v1/oneapi/proxy/{channelId}/v1/models");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("Ordinary users do not support specifying channels", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(pool.ProxyTarget.Calls(account.Group));
        Assert.Empty(await pool.ConsumeLogsAsync(account));
    }

    [Theory]
    [InlineData("999999")]
    [InlineData("abc")]
    public async Task UnknownChannel_Is400(string channelId)
    {
        var (account, _) = await ChannelAsync();

        var response = await pool.SendAsync(account, HttpMethod.Get, $"/v1/oneapi/proxy/{channelId}/v1/models");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Invalid Channel Id", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DisabledChannel_Is403()
    {
        var (account, channelId) = await ChannelAsync(extra: new { status = 2 });

        var response = await pool.SendAsync(account, HttpMethod.Get, $"/v1/oneapi/proxy/{channelId}/v1/models");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Empty(pool.ProxyTarget.Calls(account.Group));
    }

    [Fact]
    public async Task BadKey_Is401()
    {
        var (account, channelId) = await ChannelAsync();

        var response = await pool.SendAsync(account with { Key = "sk-nosuchkeynosuchkeynosuchkeynosuchkeynosuchkey0" }, HttpMethod.Get,
            $"/v1/oneapi/proxy/{channelId}/v1/models");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
