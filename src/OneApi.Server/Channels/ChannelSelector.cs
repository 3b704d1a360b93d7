namespace OneApi.Server.Channels;

/// <summary>
/// one-api's selection: a uniformly random channel from the highest-priority tier. A retry asks for the next tier
/// down (when there is one) and never the channels that already failed. <c>weight</c> is not used, as in one-api.
/// </summary>
public sealed class ChannelSelector(Random random)
{
    public ChannelRoute? Select(RoutingTable table, string group, string model, IReadOnlySet<int> exclude, bool skipTopTier)
    {
        var tiers = table.TiersFor(group, model);
        var start = skipTopTier && tiers.Count > 1 ? 1 : 0;
        for (var i = start; i < tiers.Count; i++)
        {
            var candidates = exclude.Count == 0 ? tiers[i] : tiers[i].Where(c => !exclude.Contains(c.Id)).ToArray();
            if (candidates.Length > 0)
            {
                return candidates[random.Next(candidates.Length)];
            }
        }
        return null;
    }
}
