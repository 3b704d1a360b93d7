namespace OneApi.Data.Entities;

public sealed class Redemption
{
    public int Id { get; set; }
    public int UserId { get; set; }
    public string Key { get; set; } = "";
    public int Status { get; set; } = RedemptionStatus.Enabled;
    public string Name { get; set; } = "";
    public long Quota { get; set; } = 100;
    public long CreatedTime { get; set; }
    public long RedeemedTime { get; set; }
}

public static class RedemptionStatus
{
    public const int Enabled = 1;
    public const int Disabled = 2;
    public const int Used = 3;
}
