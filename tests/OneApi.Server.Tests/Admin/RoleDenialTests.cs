using System.Net;
using OneApi.Data.Entities;
using OneApi.Server.Tests.Infrastructure;

namespace OneApi.Server.Tests.Admin;

/// <summary>Every guarded route refuses callers below its level: 401 without credentials, one-api's envelope otherwise.</summary>
public sealed class RoleDenialTests(GatewayPool pool) : IClassFixture<GatewayPool>
{
    public static TheoryData<string, string, int> GuardedRoutes() => new()
    {
        { "GET", "/api/user/self", UserRole.Common },
        { "PUT", "/api/user/self", UserRole.Common },
        { "DELETE", "/api/user/self", UserRole.Common },
        { "GET", "/api/user/token", UserRole.Common },
        { "GET", "/api/user/aff", UserRole.Common },
        { "GET", "/api/user/dashboard", UserRole.Common },
        { "GET", "/api/user/available_models", UserRole.Common },
        { "POST", "/api/user/topup", UserRole.Common },
        { "GET", "/api/models", UserRole.Common },
        { "GET", "/api/token/", UserRole.Common },
        { "GET", "/api/log/self", UserRole.Common },
        { "GET", "/api/log/self/stat", UserRole.Common },
        { "GET", "/api/log/self/search?keyword=2", UserRole.Common },
        { "GET", "/api/oauth/email/bind?email=a@b.c&code=1", UserRole.Common },
        { "GET", "/api/oauth/wechat/bind?code=wx-1", UserRole.Common },
        { "GET", "/api/user/", UserRole.Admin },
        { "GET", "/api/user/search?keyword=a", UserRole.Admin },
        { "GET", "/api/user/1", UserRole.Admin },
        { "POST", "/api/user/", UserRole.Admin },
        { "PUT", "/api/user/", UserRole.Admin },
        { "DELETE", "/api/user/1", UserRole.Admin },
        { "POST", "/api/user/manage", UserRole.Admin },
        { "POST", "/api/topup", UserRole.Admin },
        { "GET", "/api/redemption/", UserRole.Admin },
        { "GET", "/api/redemption/search?keyword=a", UserRole.Admin },
        { "GET", "/api/redemption/1", UserRole.Admin },
        { "POST", "/api/redemption/", UserRole.Admin },
        { "PUT", "/api/redemption/", UserRole.Admin },
        { "DELETE", "/api/redemption/1", UserRole.Admin },
        { "GET", "/api/log/", UserRole.Admin },
        { "DELETE", "/api/log/?target_timestamp=1", UserRole.Admin },
        { "GET", "/api/log/stat", UserRole.Admin },
        { "GET", "/api/log/search?keyword=a", UserRole.Admin },
        { "GET", "/api/group/", UserRole.Admin },
        { "GET", "/api/channel/", UserRole.Admin },
        { "GET", "/api/channel/models", UserRole.Admin },
        { "GET", "/api/channel/1", UserRole.Admin },
        { "DELETE", "/api/channel/1", UserRole.Admin },
        { "GET", "/api/channel/test", UserRole.Admin },
        { "GET", "/api/channel/test/1", UserRole.Admin },
        { "GET", "/api/channel/update_balance", UserRole.Admin },
        { "GET", "/api/channel/update_balance/1", UserRole.Admin },
        { "DELETE", "/api/channel/disabled", UserRole.Admin },
        { "GET", "/api/option/", UserRole.Root },
        { "PUT", "/api/option/", UserRole.Root },
    };

    [Theory]
    [MemberData(nameof(GuardedRoutes))]
    public async Task GuardedRoute_CallerBelowItsRole_IsRefused(string method, string path, int minRole)
    {
        var gateway = await pool.GetAsync("sqlite");
        using var anonymous = await gateway.Http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);

        foreach (var role in (int[])[UserRole.Common, UserRole.Admin])
        {
            if (role >= minRole)
            {
                continue;
            }
            using var member = await gateway.MemberAsync(role);
            var envelope = await member.Client.SendAsync(new HttpMethod(method), path, method is "POST" or "PUT" ? new { } : null);
            Assert.Equal("insufficient permissions", envelope.Failure());
        }
    }

    [Fact]
    public async Task BadAccessToken_IsALogicalFailureNot401()
    {
        var gateway = await pool.GetAsync("sqlite");
        using var client = new HttpClient { BaseAddress = new Uri(gateway.BaseUrl) };
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "not-a-real-token");
        Assert.Equal("invalid access token", (await client.GetJsonAsync("/api/user/self")).Failure());
    }

    [Fact]
    public async Task DisabledUser_IsTreatedAsBanned()
    {
        var gateway = await pool.GetAsync("sqlite");
        using var member = await gateway.MemberAsync();
        await gateway.Admin.PostJsonAsync("/api/user/manage", new { username = member.Username, action = "disable" });
        Assert.Equal("user has been banned", (await member.Client.GetJsonAsync("/api/user/self")).Failure());
    }
}
