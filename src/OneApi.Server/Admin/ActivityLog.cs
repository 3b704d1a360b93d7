using Microsoft.EntityFrameworkCore;
using OneApi.Data;
using OneApi.Data.Entities;

namespace OneApi.Server.Admin;

/// <summary>
/// Writes the non-consume rows of <c>logs</c> (top-up, manage, system, test) where one-api's <c>RecordLog</c> and
/// <c>RecordTopupLog</c> write them. Rows are added to the caller's context, so they commit with the change they describe.
/// </summary>
public static class ActivityLog
{
    public static async Task AddAsync(OneApiDbContext db, TimeProvider time, int userId, int type, string content,
        long quota = 0, CancellationToken cancellationToken = default)
    {
        var username = await db.Users.Where(u => u.Id == userId).Select(u => u.Username).FirstOrDefaultAsync(cancellationToken) ?? "";
        db.Logs.Add(new Log
        {
            UserId = userId,
            Username = username,
            CreatedAt = time.GetUtcNow().ToUnixTimeSeconds(),
            Type = type,
            Content = content,
            Quota = (int)Math.Clamp(quota, int.MinValue, int.MaxValue),
        });
    }
}
