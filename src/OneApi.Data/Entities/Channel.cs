namespace OneApi.Data.Entities;

/// <summary>A provider account of one-api's <c>channels</c> table.</summary>
public sealed class Channel
{
    public int Id { get; set; }
    public int Type { get; set; }
    public string Key { get; set; } = "";
    public int Status { get; set; } = ChannelStatus.Enabled;
    public string Name { get; set; } = "";
    /// <summary>Stored for compatibility; one-api does not use it for selection.</summary>
    public long? Weight { get; set; }
    public long CreatedTime { get; set; }
    public long TestTime { get; set; }
    public int ResponseTime { get; set; }
    public string? BaseUrl { get; set; } = "";
    /// <summary>Deprecated free-form field (legacy api_version / plugin / library id).</summary>
    public string? Other { get; set; } = "";
    public double Balance { get; set; }
    public long BalanceUpdatedTime { get; set; }
    /// <summary>Comma-separated model names.</summary>
    public string Models { get; set; } = "";
    /// <summary>Comma-separated group names.</summary>
    public string Group { get; set; } = "default";
    public long UsedQuota { get; set; }
    /// <summary>JSON object mapping a requested model to the model sent upstream.</summary>
    public string? ModelMapping { get; set; } = "";
    public long? Priority { get; set; } = 0;
    /// <summary>JSON ChannelConfig: region, ak, sk, user_id, api_version, vertex_ai_project_id …</summary>
    public string Config { get; set; } = "";
    public string? SystemPrompt { get; set; }
}

public static class ChannelStatus
{
    public const int Unknown = 0;
    public const int Enabled = 1;
    public const int ManuallyDisabled = 2;
    public const int AutoDisabled = 3;
}
