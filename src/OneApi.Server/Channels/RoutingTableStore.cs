using System.Collections.Frozen;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using OneApi.Data;
using OneApi.Data.Entities;
using OneApi.Relay.Abstractions;
using OneApi.Server.Cluster;

namespace OneApi.Server.Channels;

/// <summary>Owns the current <see cref="RoutingTable"/>: rebuilt from the database after every channel change and every sync period.</summary>
public sealed class RoutingTableStore(IDbContextFactory<OneApiDbContext> databases, IClusterSignals signals)
{
    private RoutingTable _current = RoutingTable.Empty;

    public RoutingTable Current => Volatile.Read(ref _current);

    public async Task ReloadAsync(CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var channels = await db.Channels.ToListAsync(cancellationToken);
        var abilities = await db.Abilities.ToListAsync(cancellationToken);
        Volatile.Write(ref _current, new RoutingTable(channels.Select(ToRoute), abilities));
    }

    /// <summary>After this node changed channels or abilities: reload here and tell the other nodes to reload too.</summary>
    public async Task ChangedAsync(CancellationToken cancellationToken)
    {
        await ReloadAsync(cancellationToken);
        await signals.PublishAsync(ClusterChange.Routing, cancellationToken);
    }

    public static ChannelRoute ToRoute(Channel channel) => new(
        channel.Id,
        channel.Name,
        channel.Status == ChannelStatus.Enabled,
        channel.Priority ?? 0,
        ChannelLists.Split(channel.Group),
        new UpstreamChannel(channel.Id, channel.Type, channel.Key, channel.BaseUrl ?? "", ParseConfig(channel.Config)),
        ParseMapping(channel.ModelMapping),
        string.IsNullOrEmpty(channel.SystemPrompt) ? null : channel.SystemPrompt);

    private static ChannelConfig ParseConfig(string json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return ChannelConfig.Empty;
        }
        try
        {
            return JsonSerializer.Deserialize(json, ChannelJsonContext.Default.ChannelConfig) ?? ChannelConfig.Empty;
        }
        catch (JsonException)
        {
            return ChannelConfig.Empty;
        }
    }

    private static FrozenDictionary<string, string> ParseMapping(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return FrozenDictionary<string, string>.Empty;
        }
        try
        {
            var map = JsonSerializer.Deserialize(json, ChannelJsonContext.Default.DictionaryStringString);
            return map?.Where(kv => !string.IsNullOrEmpty(kv.Value)).ToFrozenDictionary() ?? FrozenDictionary<string, string>.Empty;
        }
        catch (JsonException)
        {
            return FrozenDictionary<string, string>.Empty;
        }
    }
}
