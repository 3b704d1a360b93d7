using System.Collections.Frozen;
using OneApi.Relay.Abstractions;

namespace OneApi.Server.Relay;

/// <summary>Finds the adaptor that speaks a channel type's wire format. Adaptors register themselves in DI.</summary>
public sealed class AdaptorRegistry(IEnumerable<IChannelAdaptor> adaptors)
{
    private readonly FrozenDictionary<int, IChannelAdaptor> _byType = adaptors
        .SelectMany(a => a.ChannelTypes.Select(type => (type, a)))
        .ToFrozenDictionary(x => x.type, x => x.a);

    public IChannelAdaptor? For(int channelType) => _byType.GetValueOrDefault(channelType);

    public IEnumerable<(int Type, IChannelAdaptor Adaptor)> All => _byType.Select(kv => (kv.Key, kv.Value));
}
