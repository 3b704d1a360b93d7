namespace OneApi.Data.Entities;

/// <summary>A relay key ("token") of one-api's <c>tokens</c> table. <see cref="Key"/> is stored without the <c>sk-</c> prefix.</summary>
public sealed class Token
{
    public int Id { get; set; }
    public int UserId { get; set; }
    public string Key { get; set; } = "";
    public int Status { get; set; } = TokenStatus.Enabled;
    public string Name { get; set; } = "";
    public long CreatedTime { get; set; }
    public long AccessedTime { get; set; }
    /// <summary>Unix seconds; -1 means never.</summary>
    public long ExpiredTime { get; set; } = -1;
    public long RemainQuota { get; set; }
    public bool UnlimitedQuota { get; set; }
    public long UsedQuota { get; set; }
    /// <summary>Comma-separated model allow-list; null or empty allows every model.</summary>
    public string? Models { get; set; }
    /// <summary>Comma-separated CIDR allow-list; empty allows every address.</summary>
    public string Subnet { get; set; } = "";
}

public static class TokenStatus
{
    public const int Enabled = 1;
    public const int Disabled = 2;
    public const int Expired = 3;
    public const int Exhausted = 4;
}
