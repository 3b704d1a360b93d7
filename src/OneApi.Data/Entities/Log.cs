namespace OneApi.Data.Entities;

/// <summary>A usage/audit row of one-api's <c>logs</c> table. <see cref="CreatedAt"/> is unix seconds.</summary>
public sealed class Log
{
    public int Id { get; set; }
    public int UserId { get; set; }
    public long CreatedAt { get; set; }
    public int Type { get; set; }
    public string Content { get; set; } = "";
    public string Username { get; set; } = "";
    public string TokenName { get; set; } = "";
    public string ModelName { get; set; } = "";
    public int Quota { get; set; }
    public int PromptTokens { get; set; }
    public int CompletionTokens { get; set; }
    public int ChannelId { get; set; }
    public string RequestId { get; set; } = "";
    public long ElapsedTime { get; set; }
    public bool IsStream { get; set; }
    public bool SystemPromptReset { get; set; }
}

public static class LogType
{
    public const int Unknown = 0;
    public const int Topup = 1;
    public const int Consume = 2;
    public const int Manage = 3;
    public const int System = 4;
    public const int Test = 5;
}
