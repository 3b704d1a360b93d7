using Microsoft.EntityFrameworkCore;
using OneApi.Data;
using OneApi.Data.Entities;
using OneApi.Server.Auth;

namespace OneApi.Server.Admin;

/// <summary>
/// The <c>logs</c> table: everyone's for admins, one's own under <c>/self</c>. A common user's filters and searches
/// are always narrowed to its own rows.
/// </summary>
public static class LogEndpoints
{
    public static void MapLogEndpoints(this IEndpointRouteBuilder app)
    {
        var logs = app.MapGroup("/api/log").WithTags("Log");
        logs.MapGet("/", List).RequireRole(UserRole.Admin);
        logs.MapDelete("/", DeleteBefore).RequireRole(UserRole.Admin);
        logs.MapGet("/stat", Stat).RequireRole(UserRole.Admin);
        logs.MapGet("/search", Search).RequireRole(UserRole.Admin);
        logs.MapGet("/self", ListOwn).RequireRole(UserRole.Common);
        logs.MapGet("/self/stat", StatOwn).RequireRole(UserRole.Common);
        logs.MapGet("/self/search", SearchOwn).RequireRole(UserRole.Common);
    }

    /// <summary>The query parameters every list and stat route shares; zero and empty mean "any".</summary>
    /// <summary>The quota of the consume rows a filter matches.</summary>
    public sealed record LogStat(long Quota);

    public sealed record LogFilter(int? Type, long? StartTimestamp, long? EndTimestamp, string? Username, string? TokenName,
        string? ModelName, int? Channel)
    {
        public static ValueTask<LogFilter?> BindAsync(HttpContext context)
        {
            var q = context.Request.Query;
            return ValueTask.FromResult<LogFilter?>(new LogFilter(Int(q["type"]), Long(q["start_timestamp"]), Long(q["end_timestamp"]),
                q["username"].ToString(), q["token_name"].ToString(), q["model_name"].ToString(), Int(q["channel"])));

            static int? Int(string? s) => int.TryParse(s, out var v) ? v : null;
            static long? Long(string? s) => long.TryParse(s, out var v) ? v : null;
        }

        public IQueryable<Log> Apply(IQueryable<Log> logs)
        {
            if (Type is { } type and not LogType.Unknown) logs = logs.Where(l => l.Type == type);
            if (StartTimestamp is { } start and not 0) logs = logs.Where(l => l.CreatedAt >= start);
            if (EndTimestamp is { } end and not 0) logs = logs.Where(l => l.CreatedAt <= end);
            if (!string.IsNullOrEmpty(Username)) logs = logs.Where(l => l.Username == Username);
            if (!string.IsNullOrEmpty(TokenName)) logs = logs.Where(l => l.TokenName == TokenName);
            if (!string.IsNullOrEmpty(ModelName)) logs = logs.Where(l => l.ModelName == ModelName);
            if (Channel is { } channel and not 0) logs = logs.Where(l => l.ChannelId == channel);
            return logs;
        }

        /// <summary>A common user filters only its own rows: no user name and no channel.</summary>
        public LogFilter ForSelf() => this with { Username = null, Channel = null };
    }

    private static Task<ApiResponse<IEnumerable<LogView>>> List(int? p, LogFilter filter, LogDatabase databases, CancellationToken cancellationToken) =>
        PageAsync(databases, db => filter.Apply(db.Logs), p, cancellationToken);

    private static Task<ApiResponse<IEnumerable<LogView>>> ListOwn(int? p, LogFilter filter, HttpContext context, LogDatabase databases,
        CancellationToken cancellationToken)
    {
        var userId = context.Caller().Id;
        return PageAsync(databases, db => filter.ForSelf().Apply(db.Logs.Where(l => l.UserId == userId)), p, cancellationToken);
    }

    /// <summary>one-api's admin search: a log type number, or a prefix of the content.</summary>
    private static async Task<ApiResponse<IEnumerable<LogView>>> Search(string? keyword, LogDatabase databases, CancellationToken cancellationToken)
    {
        keyword ??= "";
        var type = int.TryParse(keyword, out var parsed) ? parsed : -1;
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var found = await db.Logs.Where(l => l.Type == type || l.Content.StartsWith(keyword))
            .OrderByDescending(l => l.Id).Take(Paging.MaxSearchResults).ToListAsync(cancellationToken);
        return ApiResponse.Done(found.Select(LogView.Of));
    }

    /// <summary>one-api's self search matches the log type only.</summary>
    private static async Task<ApiResponse<IEnumerable<LogView>>> SearchOwn(string? keyword, HttpContext context, LogDatabase databases,
        CancellationToken cancellationToken)
    {
        if (!int.TryParse(keyword, out var type))
        {
            return ApiResponse.Done(Enumerable.Empty<LogView>());
        }
        var userId = context.Caller().Id;
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var found = await db.Logs.Where(l => l.UserId == userId && l.Type == type)
            .OrderByDescending(l => l.Id).Take(Paging.MaxSearchResults).ToListAsync(cancellationToken);
        return ApiResponse.Done(found.Select(LogView.Of));
    }

    private static Task<ApiResponse<LogStat>> Stat(LogFilter filter, LogDatabase databases, CancellationToken cancellationToken) =>
        SumAsync(databases, db => (filter with { Type = null }).Apply(db.Logs), cancellationToken);

    private static Task<ApiResponse<LogStat>> StatOwn(LogFilter filter, HttpContext context, LogDatabase databases,
        CancellationToken cancellationToken)
    {
        var userId = context.Caller().Id;
        return SumAsync(databases, db => (filter.ForSelf() with { Type = null }).Apply(db.Logs.Where(l => l.UserId == userId)), cancellationToken);
    }

    private static async Task<ApiResponse<int?>> DeleteBefore(long? target_timestamp, LogDatabase databases, CancellationToken cancellationToken)
    {
        if (target_timestamp is not { } before || before == 0)
        {
            return ApiResponse.Failure("target_timestamp is required");
        }
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var deleted = await db.Logs.Where(l => l.CreatedAt < before).ExecuteDeleteAsync(cancellationToken);
        return ApiResponse.Done<int?>(deleted);
    }

    private static async Task<ApiResponse<IEnumerable<LogView>>> PageAsync(LogDatabase databases, Func<OneApiDbContext, IQueryable<Log>> query,
        int? p, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var page = await query(db).OrderByDescending(l => l.Id).Skip(Paging.Offset(p)).Take(Paging.PageSize).ToListAsync(cancellationToken);
        return ApiResponse.Done(page.Select(LogView.Of));
    }

    /// <summary>one-api's <c>SumUsedQuota</c>: the quota of the matching consume rows, whatever type was asked for.</summary>
    private static async Task<ApiResponse<LogStat>> SumAsync(LogDatabase databases, Func<OneApiDbContext, IQueryable<Log>> query,
        CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var quota = await query(db).Where(l => l.Type == LogType.Consume).SumAsync(l => (long)l.Quota, cancellationToken);
        return ApiResponse.Done(new LogStat(quota));
    }
}
