namespace OneApi.Relay.Abstractions;

/// <summary>one-api's channel type ids (the <c>channels.type</c> column) and their default base URLs.</summary>
public static class ChannelTypes
{
    public const int Unknown = 0;
    public const int OpenAI = 1;
    public const int Azure = 3;
    public const int Custom = 8;
    public const int Anthropic = 14;
    public const int OpenRouter = 20;
    public const int Gemini = 24;
    public const int Baichuan = 26;
    public const int AwsClaude = 33;
    public const int DeepSeek = 36;
    public const int VertexAI = 42;
    public const int Proxy = 43;
    public const int Replicate = 46;
    public const int OpenAICompatible = 50;
    public const int Dummy = 52;

    private static readonly string[] Names =
    [
        "Unknown", "OpenAI", "API2D", "Azure", "CloseAI", "OpenAISB", "OpenAIMax", "OhMyGPT", "Custom", "Ails",
        "AIProxy", "PaLM", "API2GPT", "AIGC2D", "Anthropic", "Baidu", "Zhipu", "Ali", "Xunfei", "AI360",
        "OpenRouter", "AIProxyLibrary", "FastGPT", "Tencent", "Gemini", "Moonshot", "Baichuan", "Minimax", "Mistral", "Groq",
        "Ollama", "LingYiWanWu", "StepFun", "AwsClaude", "Coze", "Cohere", "DeepSeek", "Cloudflare", "DeepL", "TogetherAI",
        "Doubao", "Novita", "VertextAI", "Proxy", "SiliconFlow", "XAI", "Replicate", "BaiduV2", "XunfeiV2", "AliBailian",
        "OpenAICompatible", "GeminiOpenAICompatible",
    ];

    // Index = type id; "" means the operator must give a base URL.
    private static readonly string[] DefaultBaseUrls =
    [
        "", "https://api.openai.com", "https://oa.api2d.net", "", "https://api.closeai-proxy.xyz",
        "https://api.openai-sb.com", "https://api.openaimax.com", "https://api.ohmygpt.com", "", "https://api.caipacity.com",
        "https://api.aiproxy.io", "https://generativelanguage.googleapis.com", "https://api.api2gpt.com", "https://api.aigc2d.com", "https://api.anthropic.com",
        "https://aip.baidubce.com", "https://open.bigmodel.cn", "https://dashscope.aliyuncs.com", "", "https://ai.360.cn",
        "https://openrouter.ai/api", "https://api.aiproxy.io", "https://fastgpt.run/api/openapi", "https://hunyuan.tencentcloudapi.com", "https://generativelanguage.googleapis.com",
        "https://api.moonshot.cn", "https://api.baichuan-ai.com", "https://api.minimax.chat", "https://api.mistral.ai", "https://api.groq.com/openai",
        "http://localhost:11434", "https://api.lingyiwanwu.com", "https://api.stepfun.com", "", "https://api.coze.com",
        "https://api.cohere.ai", "https://api.deepseek.com", "https://api.cloudflare.com", "https://api-free.deepl.com", "https://api.together.xyz",
        "https://ark.cn-beijing.volces.com", "https://api.novita.ai/v3/openai", "", "", "https://api.siliconflow.cn",
        "https://api.x.ai", "https://api.replicate.com/v1/models/", "https://qianfan.baidubce.com", "https://spark-api-open.xf-yun.com", "https://dashscope.aliyuncs.com",
        "", "https://generativelanguage.googleapis.com/v1beta/openai/",
    ];

    public static bool IsKnown(int type) => type > Unknown && type < Dummy;

    public static string NameOf(int type) => type >= 0 && type < Names.Length ? Names[type] : "Unknown";

    public static string DefaultBaseUrl(int type) => type >= 0 && type < DefaultBaseUrls.Length ? DefaultBaseUrls[type] : "";
}
