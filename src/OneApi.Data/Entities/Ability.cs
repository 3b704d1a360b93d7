namespace OneApi.Data.Entities;

/// <summary>Routing index row: channel <see cref="ChannelId"/> serves <see cref="Model"/> to <see cref="Group"/>.</summary>
public sealed class Ability
{
    public string Group { get; set; } = "";
    public string Model { get; set; } = "";
    public int ChannelId { get; set; }
    public bool Enabled { get; set; }
    public long? Priority { get; set; } = 0;
}
