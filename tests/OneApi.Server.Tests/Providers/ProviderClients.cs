using System.ClientModel;
using System.Text;
using Microsoft.EntityFrameworkCore;
using OneApi.Data.Entities;
using OneApi.Server.Tests.Infrastructure;
using OpenAI;
using OpenAI.Chat;

namespace OneApi.Server.Tests.Providers;

/// <summary>What the provider tests of converting types share: an account with one channel, the SDK client, the stream read, the log row.</summary>
internal static class ProviderClients
{
    /// <summary>A new account whose group has one channel, its base URL made from the group (the fakes' case id).</summary>
    public static async Task<TestAccount> AccountAsync(this ProviderPool pool, int type, string models, Func<string, string> baseUrl, object? extra = null)
    {
        var account = await pool.Gateway.CreateAccountAsync();
        await pool.Gateway.CreateChannelAsync(account.Group, models, baseUrl(account.Group), type, extra);
        return account;
    }

    public static OpenAIClient Client(this ProviderPool pool, TestAccount account) =>
        new(new ApiKeyCredential(account.Key), new OpenAIClientOptions { Endpoint = new Uri(pool.Gateway.BaseUrl + "/v1") });

    public static async Task<Log> ConsumeLogAsync(this ProviderPool pool, TestAccount account)
    {
        await using var db = await pool.Gateway.DbAsync();
        return await db.Logs.SingleAsync(l => l.UserId == account.UserId && l.Type == LogType.Consume);
    }

    public static async Task<bool> BilledAnythingAsync(this ProviderPool pool, TestAccount account)
    {
        await using var db = await pool.Gateway.DbAsync();
        return await db.Logs.AnyAsync(l => l.UserId == account.UserId && l.Type == LogType.Consume);
    }

    public static async Task<(string Text, ChatTokenUsage? Usage, ChatFinishReason? Finish)> StreamAsync(this ChatClient chat, IEnumerable<ChatMessage> messages,
        ChatCompletionOptions? options = null)
    {
        var text = new StringBuilder();
        ChatTokenUsage? usage = null;
        ChatFinishReason? finish = null;
        await foreach (var update in chat.CompleteChatStreamingAsync(messages, options))
        {
            text.Append(string.Concat(update.ContentUpdate.Select(p => p.Text)));
            usage = update.Usage ?? usage;
            finish = update.FinishReason ?? finish;
        }
        return (text.ToString(), usage, finish);
    }
}
