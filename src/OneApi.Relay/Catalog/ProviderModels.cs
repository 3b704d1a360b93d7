namespace OneApi.Relay.Catalog;

/// <summary>
/// Models of OpenAI-compatible providers as one-api lists them (relay/adaptor/*/constants.go), offered by the console's
/// "fill models"; a channel may serve any other model its provider has.
/// </summary>
internal static class ProviderModels
{
    public static readonly string[] AI360 = ["360GPT_S2_V9", "embedding-bert-512-v1", "embedding_s1_v1", "semantic_similarity_s1_v1"];
    public static readonly string[] OpenRouter =
    [
        "openai/gpt-4o", "openai/gpt-4o-mini", "anthropic/claude-3.5-sonnet", "anthropic/claude-3.7-sonnet", "google/gemini-2.0-flash-001",
        "deepseek/deepseek-r1", "deepseek/deepseek-chat", "meta-llama/llama-3.3-70b-instruct", "mistralai/mistral-large",
    ];
    public static readonly string[] Baichuan = ["Baichuan2-Turbo", "Baichuan2-Turbo-192k", "Baichuan-Text-Embedding"];
    public static readonly string[] Minimax = ["abab6.5-chat", "abab6.5s-chat", "abab6-chat", "abab5.5-chat", "abab5.5s-chat", "MiniMax-VL-01", "MiniMax-Text-01"];
    public static readonly string[] LingYiWanWu = ["yi-34b-chat-0205", "yi-34b-chat-200k", "yi-vl-plus"];
    public static readonly string[] StepFun =
        ["step-1-8k", "step-1-32k", "step-1-128k", "step-1-256k", "step-1-flash", "step-2-16k", "step-1v-8k", "step-1v-32k", "step-1x-medium"];
    public static readonly string[] TogetherAI =
        ["meta-llama/Llama-3-70b-chat-hf", "deepseek-ai/deepseek-coder-33b-instruct", "mistralai/Mixtral-8x22B-Instruct-v0.1", "Qwen/Qwen1.5-72B-Chat"];
    public static readonly string[] Doubao =
        ["Doubao-pro-128k", "Doubao-pro-32k", "Doubao-pro-4k", "Doubao-lite-128k", "Doubao-lite-32k", "Doubao-lite-4k", "Doubao-embedding"];
    public static readonly string[] Novita =
    [
        "meta-llama/llama-3-8b-instruct", "meta-llama/llama-3-70b-instruct", "nousresearch/hermes-2-pro-llama-3-8b", "mistralai/mistral-7b-instruct",
        "gryphe/mythomax-l2-13b", "microsoft/wizardlm-2-8x22b",
    ];
    public static readonly string[] SiliconFlow =
    [
        "deepseek-ai/DeepSeek-V2-Chat", "deepseek-ai/DeepSeek-Coder-V2-Instruct", "Qwen/Qwen2-72B-Instruct", "Qwen/Qwen2-7B-Instruct",
        "THUDM/glm-4-9b-chat", "01-ai/Yi-1.5-34B-Chat-16K", "internlm/internlm2_5-7b-chat", "BAAI/bge-large-en-v1.5", "BAAI/bge-large-zh-v1.5",
    ];
    public static readonly string[] BaiduV2 =
    [
        "ernie-4.0-8k", "ernie-4.0-turbo-8k", "ernie-4.0-turbo-128k", "ernie-3.5-8k", "ernie-3.5-128k", "ernie-speed-8k", "ernie-speed-128k",
        "ernie-lite-8k", "ernie-tiny-8k", "deepseek-v3", "deepseek-r1",
    ];
    public static readonly string[] XunfeiV2 = ["lite", "generalv3", "pro-128k", "generalv3.5", "max-32k", "4.0Ultra"];
    public static readonly string[] AliBailian =
    [
        "qwen-turbo", "qwen-plus", "qwen-long", "qwen-max", "qwen-coder-plus", "qwen-coder-turbo", "qwen-mt-plus", "qwen-mt-turbo",
        "qwq-32b-preview", "deepseek-r1", "deepseek-v3",
    ];
}
