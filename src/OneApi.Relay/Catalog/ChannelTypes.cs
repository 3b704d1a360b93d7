using System.Collections.Frozen;
using OneApi.Relay.Abstractions;
using OneApi.Relay.Adaptors.Anthropic;
using OneApi.Relay.Adaptors.AwsBedrock;
using OneApi.Relay.Adaptors.Gemini;
using OneApi.Relay.Adaptors.OpenAI;
using OneApi.Relay.Adaptors.Replicate;
using OneApi.Relay.Adaptors.VertexAI;
using OneApi.Relay.Adaptors.Xunfei;

namespace OneApi.Relay.Catalog;

/// <summary>
/// The catalogue of channel types, one-api's ids (relay/channeltype) with what this gateway knows of each: the only
/// place that knows what a type number means. Adding an OpenAI-compatible provider is one row here.
/// </summary>
public static class ChannelTypes
{
    public const int OpenAI = 1;
    public const int Azure = 3;
    public const int Custom = 8;
    public const int Anthropic = 14;
    public const int OpenRouter = 20;
    public const int Gemini = 24;
    public const int AwsClaude = 33;
    public const int DeepSeek = 36;
    public const int VertexAI = 42;
    public const int Proxy = 43;
    public const int OpenAICompatible = 50;
    public const int GeminiOpenAICompatible = 51;

    private const string ApiKey = "API key";
    private static readonly WireFormatKind[] OpenAIFormat = [WireFormatKind.OpenAI];
    private static readonly WireFormatKind[] NotRelayed = [];

    public static readonly IReadOnlyList<ChannelType> All =
    [
        OpenAILike(1, "OpenAI", "https://api.openai.com", OpenAIModels.All, BalanceApi.OpenAIBilling),
        OpenAILike(2, "API2D", "https://oa.api2d.net", OpenAIModels.All),
        new(3, "Azure", "", OpenAIFormat, HostKind.Azure, ApiKey, OpenAIModels.All),
        OpenAILike(4, "CloseAI", "https://api.closeai-proxy.xyz", OpenAIModels.All, BalanceApi.CreditGrants),
        OpenAILike(5, "OpenAISB", "https://api.openai-sb.com", OpenAIModels.All, BalanceApi.OpenAISB),
        OpenAILike(6, "OpenAIMax", "https://api.openaimax.com", OpenAIModels.All),
        OpenAILike(7, "OhMyGPT", "https://api.ohmygpt.com", OpenAIModels.All),
        OpenAILike(8, "Custom", "", OpenAIModels.All, BalanceApi.OpenAIBilling),
        OpenAILike(9, "Ails", "https://api.caipacity.com", OpenAIModels.All),
        OpenAILike(10, "AIProxy", "https://api.aiproxy.io", OpenAIModels.All, BalanceApi.AIProxy),
        new(11, "PaLM", "https://generativelanguage.googleapis.com", [WireFormatKind.Retired], HostKind.Bearer, ApiKey, []),
        OpenAILike(12, "API2GPT", "https://api.api2gpt.com", OpenAIModels.All, BalanceApi.CreditGrantsRemaining),
        OpenAILike(13, "AIGC2D", "https://api.aigc2d.com", OpenAIModels.All, BalanceApi.CreditGrants),
        new(14, "Anthropic", "https://api.anthropic.com", [WireFormatKind.ClaudeMessages], HostKind.Anthropic, ApiKey, AnthropicModels.All),
        new(15, "Baidu", "https://aip.baidubce.com", [WireFormatKind.Ernie], HostKind.Baidu, "API_KEY|SECRET_KEY", ProviderModels.Baidu),
        new(16, "Zhipu", "https://open.bigmodel.cn", OpenAIFormat, HostKind.Zhipu, "id.secret", ProviderModels.Zhipu,
            Quirks: ChannelQuirks.SamplingInUnitRange),
        new(17, "Ali", "https://dashscope.aliyuncs.com", [WireFormatKind.DashScope], HostKind.DashScope, ApiKey, ProviderModels.Ali),
        new(18, "Xunfei", "", [WireFormatKind.Spark], HostKind.Xunfei, "APPID|APISecret|APIKey", SparkVersion.Models),
        OpenAILike(19, "AI360", "https://ai.360.cn", ProviderModels.AI360),
        OpenAILike(20, "OpenRouter", "https://openrouter.ai/api", ProviderModels.OpenRouter, BalanceApi.OpenRouter, ChannelQuirks.OpenRouter),
        new(21, "AIProxyLibrary", "https://api.aiproxy.io", [WireFormatKind.AIProxyLibrary], HostKind.AIProxyLibrary,
            "API key (the library in the channel config's library_id)", OpenAIModels.All),
        OpenAILike(22, "FastGPT", "https://fastgpt.run/api/openapi", []),
        new(23, "Tencent", "https://hunyuan.tencentcloudapi.com", [WireFormatKind.Hunyuan], HostKind.Tencent, "AppId|SecretId|SecretKey",
            ["hunyuan-lite", "hunyuan-standard", "hunyuan-standard-256K", "hunyuan-pro", "hunyuan-vision", "hunyuan-embedding"]),
        new(24, "Gemini", "https://generativelanguage.googleapis.com", [WireFormatKind.Gemini], HostKind.GoogleAI, ApiKey, GeminiModels.All),
        OpenAILike(25, "Moonshot", "https://api.moonshot.cn", ["moonshot-v1-8k", "moonshot-v1-32k", "moonshot-v1-128k"]),
        OpenAILike(26, "Baichuan", "https://api.baichuan-ai.com", ProviderModels.Baichuan),
        OpenAILike(27, "Minimax", "https://api.minimax.chat", ProviderModels.Minimax, routes: new("/v1", "/v1/text/chatcompletion_v2")),
        OpenAILike(28, "Mistral", "https://api.mistral.ai",
            ["open-mistral-7b", "open-mixtral-8x7b", "mistral-small-latest", "mistral-medium-latest", "mistral-large-latest", "mistral-embed"]),
        OpenAILike(29, "Groq", "https://api.groq.com/openai", ProviderModels.Groq),
        new(30, "Ollama", "http://localhost:11434", [WireFormatKind.Ollama], HostKind.Ollama, "any (sent as a Bearer token to a proxy in front)",
            ProviderModels.Ollama),
        OpenAILike(31, "LingYiWanWu", "https://api.lingyiwanwu.com", ProviderModels.LingYiWanWu),
        OpenAILike(32, "StepFun", "https://api.stepfun.com", ProviderModels.StepFun),
        new(33, "AwsClaude", "", [WireFormatKind.ClaudeMessages], HostKind.AwsBedrock, "ak|sk|region (or ak, sk and region in the config)",
            [.. BedrockModelIds.ModelNames]),
        new(34, "Coze", "https://api.coze.com", [WireFormatKind.Coze], HostKind.Coze, "personal access token (models are bot-{bot id})", []),
        new(35, "Cohere", "https://api.cohere.ai", [WireFormatKind.Cohere], HostKind.Cohere, ApiKey, ProviderModels.Cohere),
        OpenAILike(36, "DeepSeek", "https://api.deepseek.com", ["deepseek-chat", "deepseek-reasoner"], BalanceApi.DeepSeek, ChannelQuirks.NoReasoningInHistory),
        new(37, "Cloudflare", "https://api.cloudflare.com", OpenAIFormat, HostKind.Cloudflare, "API token (the account id in the channel config's user_id)",
            ProviderModels.Cloudflare),
        new(38, "DeepL", "https://api-free.deepl.com", [WireFormatKind.DeepL], HostKind.DeepL, "DeepL auth key", ["deepl-zh", "deepl-en", "deepl-ja"]),
        OpenAILike(39, "TogetherAI", "https://api.together.xyz", ProviderModels.TogetherAI),
        OpenAILike(40, "Doubao", "https://ark.cn-beijing.volces.com", ProviderModels.Doubao, routes: new("/api/v3")),
        OpenAILike(41, "Novita", "https://api.novita.ai/v3/openai", ProviderModels.Novita, routes: OpenAIRoutes.InBaseUrl),
        new(42, "VertextAI", "", [WireFormatKind.Gemini, WireFormatKind.ClaudeMessages, WireFormatKind.Imagen], HostKind.VertexAI,
            "region|project id|service-account JSON (or region, vertex_ai_project_id and vertex_ai_adc in the config)", VertexModels.All),
        Unrelayed(Proxy, "Proxy", ""),
        OpenAILike(44, "SiliconFlow", "https://api.siliconflow.cn", ProviderModels.SiliconFlow, BalanceApi.SiliconFlow),
        OpenAILike(45, "XAI", "https://api.x.ai", ProviderModels.XAI),
        new(46, "Replicate", ReplicateHost.DefaultBaseUrl, [WireFormatKind.Replicate], HostKind.Replicate, "API token", ReplicateModels.All),
        OpenAILike(47, "BaiduV2", "https://qianfan.baidubce.com", ProviderModels.BaiduV2, routes: new("/v2")),
        OpenAILike(48, "XunfeiV2", "https://spark-api-open.xf-yun.com", ProviderModels.XunfeiV2),
        OpenAILike(49, "AliBailian", "https://dashscope.aliyuncs.com", ProviderModels.AliBailian, routes: new("/compatible-mode/v1")),
        OpenAILike(50, "OpenAICompatible", "", [], routes: OpenAIRoutes.InBaseUrl),
        OpenAILike(51, "GeminiOpenAICompatible", "https://generativelanguage.googleapis.com/v1beta/openai/", GeminiModels.Chat,
            routes: OpenAIRoutes.InBaseUrl),
    ];

    private static readonly FrozenDictionary<int, ChannelType> ById = All.ToFrozenDictionary(t => t.Id);

    public static ChannelType? Find(int type) => ById.GetValueOrDefault(type);

    public static bool IsKnown(int type) => ById.ContainsKey(type);

    public static string NameOf(int type) => Find(type)?.Name ?? "Unknown";

    /// <summary>The channel's own base URL when it has one, else its type's default ("" when the operator must give one).</summary>
    public static string BaseUrlOf(UpstreamChannel channel) =>
        channel.BaseUrl.Length > 0 ? channel.BaseUrl : Find(channel.Type)?.DefaultBaseUrl ?? "";

    private static ChannelType OpenAILike(int id, string name, string baseUrl, IReadOnlyList<string> models, BalanceApi balance = BalanceApi.None,
        ChannelQuirks quirks = ChannelQuirks.None, OpenAIRoutes? routes = null) =>
        new(id, name, baseUrl, OpenAIFormat, HostKind.Bearer, ApiKey, models, balance, quirks, routes);

    private static ChannelType Unrelayed(int id, string name, string baseUrl) =>
        new(id, name, baseUrl, NotRelayed, HostKind.Bearer, ApiKey, []);
}
