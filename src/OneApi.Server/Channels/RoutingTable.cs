using System.Collections.Frozen;
using OneApi.Data.Entities;
using OneApi.Relay.Abstractions;

namespace OneApi.Server.Channels;

/// <summary>A channel as the relay sees it: where to send, how to rewrite, and who may use it.</summary>
public sealed record ChannelRoute(
    int Id,
    string Name,
    bool Enabled,
    long Priority,
    IReadOnlyList<string> Groups,
    UpstreamChannel Upstream,
    FrozenDictionary<string, string> ModelMapping,
    string? SystemPrompt);

/// <summary>
/// Immutable routing snapshot built from <c>channels</c> and <c>abilities</c>: for each (group, model), the enabled
/// channels grouped into priority tiers, highest first. Swapped whole on every change; never locked.
/// </summary>
public sealed class RoutingTable
{
    private readonly FrozenDictionary<(string Group, string Model), ChannelRoute[][]> _tiers;
    private readonly FrozenDictionary<string, string[]> _modelsByGroup;

    public static readonly RoutingTable Empty = new([], []);

    public RoutingTable(IEnumerable<ChannelRoute> channels, IEnumerable<Ability> abilities)
    {
        Channels = channels.ToFrozenDictionary(c => c.Id);
        var enabled = abilities.Where(a => a.Enabled && Channels.TryGetValue(a.ChannelId, out var c) && c.Enabled).ToList();
        _tiers = enabled
            .GroupBy(a => (a.Group, a.Model))
            .ToFrozenDictionary(
                g => g.Key,
                g => g.GroupBy(a => a.Priority ?? 0)
                    .OrderByDescending(tier => tier.Key)
                    .Select(tier => tier.Select(a => Channels[a.ChannelId]).ToArray())
                    .ToArray());
        _modelsByGroup = enabled
            .GroupBy(a => a.Group)
            .ToFrozenDictionary(g => g.Key, g => g.Select(a => a.Model).Distinct().Order(StringComparer.Ordinal).ToArray());
    }

    public FrozenDictionary<int, ChannelRoute> Channels { get; }

    /// <summary>Priority tiers of enabled channels serving the model to the group, highest priority first.</summary>
    public IReadOnlyList<ChannelRoute[]> TiersFor(string group, string model) =>
        _tiers.TryGetValue((group, model), out var tiers) ? tiers : [];

    public IReadOnlyList<string> ModelsFor(string group) =>
        _modelsByGroup.TryGetValue(group, out var models) ? models : [];
}
