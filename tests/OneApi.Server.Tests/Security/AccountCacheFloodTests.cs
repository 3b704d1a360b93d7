using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using OneApi.Server.Auth;
using OneApi.Server.Tests.Admin;
using OneApi.Server.Tests.Infrastructure;

namespace OneApi.Server.Tests.Security;

/// <summary>
/// Strangers' POSTs to <c>/api</c> (failed logins, bogus registrations and resets) do not empty the relay's account
/// cache, which would send every relay call to the database (and, with Redis, do it on every node at once).
/// </summary>
public sealed class AccountCacheFloodTests
{
    [Fact]
    public async Task UnauthenticatedPosts_LeaveTheCache_ASignedInChangeClearsIt()
    {
        await using var upstream = await FakeOpenAIUpstream.StartAsync();
        await using var gateway = await TestGateway.StartAsync("sqlite", new Dictionary<string, string?> { ["TOKEN_CACHE_SECONDS"] = "600" });
        var account = await gateway.CreateAccountAsync();
        await gateway.CreateChannelAsync(account.Group, "gpt-4o-mini", upstream.BaseUrl(account.Group, "ok"));
        await gateway.ChatAsync(account.Key);
        var cache = gateway.Services.GetRequiredService<AccountCache>();
        var key = account.Key["sk-".Length..];
        Assert.True(cache.TryGet(key, out _, out _));

        foreach (var (path, body) in new (string, object)[]
                 {
                     ("/api/user/login", new { username = "root", password = "wrong-guess" }),
                     ("/api/user/register", new { username = "", password = "" }),
                     ("/api/user/reset", new { email = "nobody@example.com", token = "nope" }),
                     ("/api/token/", new { name = "no-credentials" }),
                 })
        {
            using var _ = await gateway.Http.PostAsJsonAsync(path, body);
        }

        Assert.True(cache.TryGet(key, out _, out _));
        (await gateway.Admin.PostJsonAsync("/api/token/", new { name = "signed-in", remain_quota = 1, expired_time = -1 })).Data();
        Assert.False(cache.TryGet(key, out _, out _));
    }
}
