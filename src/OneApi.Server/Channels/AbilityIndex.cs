using Microsoft.EntityFrameworkCore;
using OneApi.Data;
using OneApi.Data.Entities;

namespace OneApi.Server.Channels;

/// <summary>Keeps <c>abilities</c> (one row per group × model of each channel) in step with <c>channels</c>.</summary>
public static class AbilityIndex
{
    public static async Task RebuildAsync(OneApiDbContext db, Channel channel, CancellationToken cancellationToken)
    {
        await db.Abilities.Where(a => a.ChannelId == channel.Id).ExecuteDeleteAsync(cancellationToken);
        var rows = from g in ChannelLists.Split(channel.Group)
                   from m in ChannelLists.Split(channel.Models)
                   select new Ability
                   {
                       Group = g,
                       Model = m,
                       ChannelId = channel.Id,
                       Enabled = channel.Status == ChannelStatus.Enabled,
                       Priority = channel.Priority ?? 0,
                   };
        db.Abilities.AddRange(rows);
        await db.SaveChangesAsync(cancellationToken);
    }

    public static Task DeleteAsync(OneApiDbContext db, int channelId, CancellationToken cancellationToken) =>
        db.Abilities.Where(a => a.ChannelId == channelId).ExecuteDeleteAsync(cancellationToken);
}
