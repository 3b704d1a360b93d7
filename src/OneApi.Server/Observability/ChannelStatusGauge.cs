using System.Diagnostics.Metrics;
using System.Globalization;
using OneApi.Server.Channels;

namespace OneApi.Server.Observability;

/// <summary>
/// <c>oneapi.channel.status</c>: 1 for each channel, labelled with its id, name and state (enabled, suspended after
/// recent failures, or disabled), read from the routing snapshot at each scrape.
/// </summary>
public sealed class ChannelStatusGauge
{
    public ChannelStatusGauge(IMeterFactory meters, RoutingTableStore routing, ChannelSuspensions suspensions)
    {
        var meter = meters.Create(GatewayMetrics.MeterName);
        meter.CreateObservableGauge("oneapi.channel.status", () => Observe(routing.Current, suspensions), null,
            "1 per channel, labelled with its state: enabled, suspended or disabled");
    }

    private static IEnumerable<Measurement<int>> Observe(RoutingTable table, ChannelSuspensions suspensions) =>
        table.Channels.Values.Select(channel => new Measurement<int>(1,
            new("channel_id", channel.Id.ToString(CultureInfo.InvariantCulture)),
            new("channel_name", channel.Name),
            new("status", !channel.Enabled ? "disabled" : suspensions.IsSuspended(channel.Id) ? "suspended" : "enabled")));
}
