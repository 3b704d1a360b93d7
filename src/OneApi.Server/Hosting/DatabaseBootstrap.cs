using Microsoft.EntityFrameworkCore;
using OneApi.Data;
using OneApi.Data.Entities;
using OneApi.Server.Auth;
using OneApi.Server.Configuration;

namespace OneApi.Server.Hosting;

/// <summary>First-start work: the schema (and the log database's), the root account, and the bootstrap credentials from the environment.</summary>
public static partial class DatabaseBootstrap
{
    /// <summary>one-api's initial root quota.</summary>
    public const long RootQuota = 500_000_000_000_000;

    private static readonly IReadOnlySet<string> LogTables = new HashSet<string> { "logs" };

    public static async Task RunAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var settings = services.GetRequiredService<GatewaySettings>();
        if (!settings.IsMasterNode)
        {
            return; // the master prepares the database; a slave uses it as it finds it
        }
        var time = services.GetRequiredService<TimeProvider>();
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("OneApi.Server.Bootstrap");
        await using var db = await services.GetRequiredService<IDbContextFactory<OneApiDbContext>>().CreateDbContextAsync(cancellationToken);
        await SchemaInitializer.EnsureSchemaAsync(db, cancellationToken: cancellationToken);
        var logs = services.GetRequiredService<LogDatabase>();
        if (logs.IsSeparate)
        {
            await using var logDb = await logs.CreateDbContextAsync(cancellationToken);
            await SchemaInitializer.EnsureSchemaAsync(logDb, LogTables, cancellationToken);
        }

        // As in one-api, the bootstrap credentials apply only when the root account is created: a later rotation or
        // deletion by the operator is not undone by a restart with the same environment.
        if (await db.Users.AnyAsync(cancellationToken))
        {
            return;
        }
        var root = new User
        {
            Username = "root",
            Password = PasswordHash.Create("123456"),
            DisplayName = "Root User",
            Role = UserRole.Root,
            Status = UserStatus.Enabled,
            Quota = RootQuota,
            AccessToken = settings.InitialRootAccessToken ?? Keys.Uuid(),
            AffCode = Keys.RandomString(4),
        };
        db.Users.Add(root);
        await db.SaveChangesAsync(cancellationToken);
        LogRootCreated(logger);
        if (settings.InitialRootToken is { } key)
        {
            var now = time.GetUtcNow().ToUnixTimeSeconds();
            db.Tokens.Add(new Token
            {
                UserId = root.Id,
                Key = key,
                Name = "Initial Root Token",
                CreatedTime = now,
                AccessedTime = now,
                ExpiredTime = -1,
                UnlimitedQuota = true,
            });
            await db.SaveChangesAsync(cancellationToken);
        }
    }

    [LoggerMessage(EventId = 100, Level = LogLevel.Warning, Message = "created the root account root/123456: change its password")]
    private static partial void LogRootCreated(ILogger logger);
}
