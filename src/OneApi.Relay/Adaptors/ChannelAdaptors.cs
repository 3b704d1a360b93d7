using System.Collections.Frozen;
using OneApi.Relay.Abstractions;
using OneApi.Relay.Adaptors.AIProxy;
using OneApi.Relay.Adaptors.Anthropic;
using OneApi.Relay.Adaptors.Baidu;
using OneApi.Relay.Adaptors.Cohere;
using OneApi.Relay.Adaptors.Coze;
using OneApi.Relay.Adaptors.DashScope;
using OneApi.Relay.Adaptors.DeepL;
using OneApi.Relay.Adaptors.Gemini;
using OneApi.Relay.Adaptors.Ollama;
using OneApi.Relay.Adaptors.OpenAI;
using OneApi.Relay.Adaptors.Tencent;
using OneApi.Relay.Adaptors.Replicate;
using OneApi.Relay.Adaptors.VertexAI;
using OneApi.Relay.Adaptors.Xunfei;
using OneApi.Relay.Catalog;
using OneApi.Relay.Images;

namespace OneApi.Relay.Adaptors;

/// <summary>The settings and services wire formats are made with.</summary>
public sealed record WireFormatSettings(OpenAIRequestOptions OpenAI, GeminiOptions Gemini, UserImageFetcher? Images = null, TimeProvider? Time = null)
{
    public static readonly WireFormatSettings Default = new(OpenAIRequestOptions.Default, GeminiOptions.Default);

    public IWireFormat Create(WireFormatKind kind, ChannelType type) => kind switch
    {
        WireFormatKind.OpenAI => new OpenAIFormat(OpenAI, type.Quirks),
        WireFormatKind.ClaudeMessages => new ClaudeMessagesFormat(Images, Time),
        WireFormatKind.Gemini => new GeminiFormat(Gemini, Images, Time),
        WireFormatKind.Imagen => new ImagenFormat(Time),
        WireFormatKind.Ollama => new OllamaFormat(Images, Time),
        WireFormatKind.Cohere => new CohereFormat(Time),
        WireFormatKind.DeepL => new DeepLFormat(Time),
        WireFormatKind.Spark => new SparkFormat(Time),
        WireFormatKind.Hunyuan => new HunyuanFormat(Time),
        WireFormatKind.Coze => new CozeFormat(Time),
        WireFormatKind.AIProxyLibrary => new AIProxyLibraryFormat(Time),
        WireFormatKind.Replicate => new ReplicateFormat(Time),
        WireFormatKind.Ernie => new ErnieFormat(Time),
        WireFormatKind.DashScope => new DashScopeFormat(Time),
        WireFormatKind.Retired => RetiredFormat.PaLM,
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}

/// <summary>
/// Resolves (channel type, model) to the adaptor that serves it: the type's wire format for that model, served by
/// the type's host, as the catalogue says. Built once; each pair is made once.
/// </summary>
public sealed class ChannelAdaptors
{
    private readonly FrozenDictionary<int, HostedAdaptor[]> _byType;

    public ChannelAdaptors(WireFormatSettings formats, IEnumerable<IUpstreamHost> hosts)
    {
        var hostByKind = hosts.ToDictionary(h => h.Kind);
        _byType = ChannelTypes.All.Where(t => t.IsRelayed).ToFrozenDictionary(t => t.Id,
            t => t.WireFormats.Select(kind => HostedAdaptor.Create(formats.Create(kind, t), hostByKind[t.Host])).ToArray());
    }

    /// <summary>The adaptor, or null for a type this gateway does not relay.</summary>
    public IChannelAdaptor? For(int channelType, string model) => _byType.TryGetValue(channelType, out var pairs)
        ? pairs.Skip(1).FirstOrDefault(p => p.Format.Claims(model)) ?? pairs[0]
        : null;
}
