namespace OneApi.Server.Billing;

/// <summary>
/// The final account of one relayed request: what it cost, what had been reserved, and the consume log to write.
/// </summary>
public sealed record Settlement(
    int UserId,
    string Username,
    int TokenId,
    string TokenName,
    bool TokenUnlimited,
    int ChannelId,
    string ModelName,
    string RequestId,
    long Quota,
    long Reserved,
    int PromptTokens,
    int CompletionTokens,
    long ElapsedMs,
    bool IsStream,
    bool SystemPromptReset,
    string LogContent)
{
    /// <summary>What still has to be taken (positive) or given back (negative) after the reservation.</summary>
    public long Delta => Quota - Reserved;
}
