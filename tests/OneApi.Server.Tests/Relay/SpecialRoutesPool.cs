using System.Net.Http.Headers;
using Microsoft.EntityFrameworkCore;
using OneApi.Data.Entities;
using OneApi.Server.Tests.Infrastructure;

namespace OneApi.Server.Tests.Relay;

/// <summary>One SQLite gateway with the fakes behind rerank, the raw proxy and gpt-4o-audio; each test has its own group and channel.</summary>
public sealed class SpecialRoutesPool : IAsyncLifetime
{
    public TestGateway Gateway { get; private set; } = null!;
    public FakeRerankUpstream Rerank { get; private set; } = null!;
    public FakeProxyTarget ProxyTarget { get; private set; } = null!;
    public FakeAudioChatUpstream AudioChat { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Rerank = await FakeRerankUpstream.StartAsync();
        ProxyTarget = await FakeProxyTarget.StartAsync();
        AudioChat = await FakeAudioChatUpstream.StartAsync();
        Gateway = await TestGateway.StartAsync("sqlite");
    }

    /// <summary>A new account (of <paramref name="role"/>) whose group has one channel; returns it with the channel's id.</summary>
    public async Task<(TestAccount Account, int ChannelId)> AccountAsync(int type, string models, Func<string, string> baseUrl,
        int role = UserRole.Common, object? extra = null)
    {
        var account = await Gateway.CreateAccountAsync(role: role);
        var channelId = await Gateway.CreateChannelAsync(account.Group, models, baseUrl(account.Group), type, extra);
        return (account, channelId);
    }

    public async Task<HttpResponseMessage> SendAsync(TestAccount account, HttpMethod method, string path, string? json = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        }
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", account.Key);
        var response = await Gateway.Http.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    public async Task<List<Log>> ConsumeLogsAsync(TestAccount account)
    {
        await using var db = await Gateway.DbAsync();
        return await db.Logs.Where(l => l.UserId == account.UserId && l.Type == LogType.Consume).ToListAsync();
    }

    /// <summary>What the user and the token have spent, to see a failed request leave both untouched.</summary>
    public async Task<(long User, long Token)> SpentAsync(TestAccount account)
    {
        await using var db = await Gateway.DbAsync();
        var user = await db.Users.SingleAsync(u => u.Id == account.UserId);
        var token = await db.Tokens.SingleAsync(t => t.Id == account.TokenId);
        return (user.UsedQuota, token.UsedQuota);
    }

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Rerank.DisposeAsync();
        await ProxyTarget.DisposeAsync();
        await AudioChat.DisposeAsync();
    }
}
