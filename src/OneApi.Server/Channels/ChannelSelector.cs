namespace OneApi.Server.Channels;

/// <summary>
/// one-api's selection: a uniformly random channel from the highest-priority tier. A retry asks for the next tier
/// down (when there is one) and never a channel that already failed. Suspended channels are passed over while any
/// other channel can serve. <c>weight</c> is not used, as in one-api.
/// </summary>
public sealed class ChannelSelector(Random random, ChannelSuspensions suspensions)
{
    public ChannelRoute? Select(RoutingTable table, string group, string model, IReadOnlySet<int> exclude, bool skipTopTier) =>
        Select(table, group, model, exclude, skipTopTier, avoidSuspended: true)
        ?? Select(table, group, model, exclude, skipTopTier, avoidSuspended: false);

    private ChannelRoute? Select(RoutingTable table, string group, string model, IReadOnlySet<int> exclude, bool skipTopTier, bool avoidSuspended)
    {
        var tiers = table.TiersFor(group, model);
        var start = skipTopTier && tiers.Count > 1 ? 1 : 0;
        for (var i = start; i < tiers.Count; i++)
        {
            var candidates = tiers[i].Where(c => !exclude.Contains(c.Id) && !(avoidSuspended && suspensions.IsSuspended(c.Id))).ToArray();
            if (candidates.Length > 0)
            {
                return candidates[random.Next(candidates.Length)];
            }
        }
        // The lower tiers had nothing left: a retry may still use what remains of the top tier.
        return skipTopTier && start == 1 ? Select(table, group, model, exclude, skipTopTier: false, avoidSuspended) : null;
    }
}
