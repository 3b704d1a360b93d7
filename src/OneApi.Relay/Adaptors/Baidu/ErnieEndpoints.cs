using System.Collections.Frozen;
using OneApi.Relay.Abstractions;

namespace OneApi.Relay.Adaptors.Baidu;

/// <summary>
/// Each model's path under <c>/rpc/2.0/ai_custom/v1/wenxinworkshop/</c>: Baidu names the endpoint, not the model
/// (https://cloud.baidu.com/doc/WENXINWORKSHOP/s/clntwmv7t). The table is one-api's; a model not in it goes to its
/// own name in lower case, as Baidu names most endpoints.
/// </summary>
public static class ErnieEndpoints
{
    private static readonly FrozenDictionary<string, string> Paths = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["ERNIE-4.0"] = "completions_pro",
        ["ERNIE-Bot-4"] = "completions_pro",
        ["ERNIE-4.0-8K"] = "completions_pro",
        ["ERNIE-Bot"] = "completions",
        ["ERNIE-3.5-8K"] = "completions",
        ["ERNIE-Bot-turbo"] = "eb-instant",
        ["ERNIE-Lite-8K-0922"] = "eb-instant",
        ["ERNIE-Speed"] = "ernie_speed",
        ["ERNIE-Speed-8K"] = "ernie_speed",
        ["ERNIE-Bot-8K"] = "ernie_bot_8k",
        ["ERNIE-Lite-8K-0308"] = "ernie-lite-8k",
        ["BLOOMZ-7B"] = "bloomz_7b1",
        ["bge-large-zh"] = "bge_large_zh",
        ["bge-large-en"] = "bge_large_en",
        ["tao-8k"] = "tao_8k",
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    /// <summary><c>chat/…</c> or <c>embeddings/…</c>, the model's endpoint.</summary>
    public static string PathOf(string model, RelayMode mode) =>
        (mode == RelayMode.Embeddings ? "embeddings/" : "chat/") + (Paths.TryGetValue(model, out var path) ? path : model.ToLowerInvariant());
}
