using Microsoft.EntityFrameworkCore;

namespace OneApi.Data;

/// <summary>
/// Where the <c>logs</c> table is read: the database of <c>LOG_SQL_DSN</c> when one is set (as one-api's <c>LOG_DB</c>),
/// else the main one. Every reader of logs asks this factory rather than the main one, so the two may differ.
/// </summary>
public sealed class LogDatabase(IDbContextFactory<OneApiDbContext> contexts, bool isSeparate) : IDbContextFactory<OneApiDbContext>
{
    /// <summary>Logs live in a database of their own; rows written to the main one wait there to be shipped.</summary>
    public bool IsSeparate { get; } = isSeparate;

    public OneApiDbContext CreateDbContext() => contexts.CreateDbContext();

    public Task<OneApiDbContext> CreateDbContextAsync(CancellationToken cancellationToken = default) =>
        contexts.CreateDbContextAsync(cancellationToken);
}
