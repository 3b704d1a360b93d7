namespace OneApi.Data.Entities;

/// <summary>The quota one request cost, looked up by its request id (<c>GET /api/cost/request/:id</c>).</summary>
public sealed class UserRequestCost
{
    public int Id { get; set; }
    public long CreatedTime { get; set; }
    public int UserId { get; set; }
    public string RequestId { get; set; } = "";
    public long Quota { get; set; }
}
