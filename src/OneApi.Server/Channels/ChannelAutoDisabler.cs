using Microsoft.EntityFrameworkCore;
using OneApi.Data;
using OneApi.Data.Entities;

namespace OneApi.Server.Channels;

/// <summary>
/// Takes a channel out of rotation (status 3, "auto disabled") when its upstream says the account is unusable,
/// records why in a system log, and swaps in a routing table without it.
/// </summary>
public sealed partial class ChannelAutoDisabler(
    IDbContextFactory<OneApiDbContext> databases,
    RoutingTableStore routing,
    Mail.RootNotifier notifier,
    TimeProvider time,
    ILogger<ChannelAutoDisabler> logger)
{
    public async Task DisableAsync(int channelId, string reason)
    {
        await using var db = await databases.CreateDbContextAsync();
        var changed = await db.Channels.Where(c => c.Id == channelId && c.Status == ChannelStatus.Enabled)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.Status, ChannelStatus.AutoDisabled));
        if (changed == 0)
        {
            return; // already disabled, by an admin or by a request racing this one
        }
        await db.Abilities.Where(a => a.ChannelId == channelId).ExecuteUpdateAsync(s => s.SetProperty(a => a.Enabled, false));
        var root = await db.Users.Where(u => u.Role == UserRole.Root).OrderBy(u => u.Id).Select(u => u.Id).FirstOrDefaultAsync();
        db.Logs.Add(new Log
        {
            UserId = root,
            CreatedAt = time.GetUtcNow().ToUnixTimeSeconds(),
            Type = LogType.System,
            Content = $"channel #{channelId} was disabled automatically: {reason}",
            ChannelId = channelId,
        });
        await db.SaveChangesAsync();
        await routing.ChangedAsync(CancellationToken.None);
        LogDisabled(logger, channelId, reason);
        notifier.Notify($"Channel #{channelId} has been disabled", $"Channel #{channelId} was disabled automatically: {reason}");
    }

    [LoggerMessage(EventId = 1101, Level = LogLevel.Warning, Message = "channel {ChannelId} disabled automatically: {Reason}")]
    private static partial void LogDisabled(ILogger logger, int channelId, string reason);
}
