using System.Text.Json.Serialization;
using OneApi.Data.Entities;

namespace OneApi.Server.Admin;

/// <summary>A user as the API shows it: never the password hash nor the access token.</summary>
public sealed record UserView(
    int Id, string Username, string DisplayName, int Role, int Status, string Email,
    [property: JsonPropertyName("github_id")] string GitHubId,
    [property: JsonPropertyName("wechat_id")] string WeChatId,
    string LarkId, string OidcId, long Quota, long UsedQuota, int RequestCount, string Group, string? AffCode, int InviterId)
{
    public static UserView Of(User u) => new(u.Id, u.Username, u.DisplayName, u.Role, u.Status, u.Email, u.GitHubId, u.WeChatId,
        u.LarkId, u.OidcId, u.Quota, u.UsedQuota, u.RequestCount, u.Group, u.AffCode, u.InviterId);
}

/// <summary>A channel as the API shows it: the key, and the credentials in its config, are never sent back.</summary>
public sealed record ChannelView(
    int Id, int Type, int Status, string Name, long? Weight, long CreatedTime, long TestTime, int ResponseTime,
    string? BaseUrl, string? Other, double Balance, long BalanceUpdatedTime, string Models, string Group, long UsedQuota,
    string? ModelMapping, long? Priority, string Config, string? SystemPrompt)
{
    public static ChannelView Of(Channel c) => new(c.Id, c.Type, c.Status, c.Name, c.Weight, c.CreatedTime, c.TestTime,
        c.ResponseTime, c.BaseUrl, c.Other, c.Balance, c.BalanceUpdatedTime, c.Models, c.Group, c.UsedQuota, c.ModelMapping,
        c.Priority, ChannelConfigSecrets.Redact(c.Config), c.SystemPrompt);
}

/// <summary>A log row as one-api sends it: the channel id goes out as <c>channel</c>.</summary>
public sealed record LogView(
    int Id, int UserId, long CreatedAt, int Type, string Content, string Username, string TokenName, string ModelName,
    int Quota, int PromptTokens, int CompletionTokens,
    [property: JsonPropertyName("channel")] int ChannelId,
    string RequestId, long ElapsedTime, bool IsStream, bool SystemPromptReset)
{
    public static LogView Of(Log l) => new(l.Id, l.UserId, l.CreatedAt, l.Type, l.Content, l.Username, l.TokenName, l.ModelName,
        l.Quota, l.PromptTokens, l.CompletionTokens, l.ChannelId, l.RequestId, l.ElapsedTime, l.IsStream, l.SystemPromptReset);
}
