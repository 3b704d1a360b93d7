namespace OneApi.Server.Billing;

/// <summary>
/// one-api's built-in ratios for common models. A model ratio of 1 is $2 per million tokens (500 000 quota = $1),
/// so each entry is the provider's USD price per million input tokens × 0.5.
/// </summary>
internal static class DefaultPrices
{
    /// <summary>Ratio for a model found in no table (one-api: 2.5 × 0.5).</summary>
    public const double UnknownModelRatio = 1.25;

    /// <summary>One RMB in ratio units (one-api's <c>RMB = USD / 7</c>, $1 being 500).</summary>
    private const double Rmb = 500.0 / 7;

    public static readonly IReadOnlyDictionary<string, double> ModelRatios = new Dictionary<string, double>
    {
        ["gpt-3.5-turbo"] = 0.25, ["gpt-3.5-turbo-0125"] = 0.25, ["gpt-3.5-turbo-1106"] = 0.5,
        ["gpt-3.5-turbo-16k"] = 1.5, ["gpt-3.5-turbo-instruct"] = 0.75,
        ["gpt-4"] = 15, ["gpt-4-0613"] = 15, ["gpt-4-32k"] = 30, ["gpt-4-turbo"] = 5, ["gpt-4-turbo-2024-04-09"] = 5,
        ["gpt-4-turbo-preview"] = 5, ["gpt-4-1106-preview"] = 5, ["gpt-4-0125-preview"] = 5,
        ["gpt-4o"] = 1.25, ["gpt-4o-2024-05-13"] = 2.5, ["gpt-4o-2024-08-06"] = 1.25, ["gpt-4o-2024-11-20"] = 1.25,
        ["chatgpt-4o-latest"] = 2.5, ["gpt-4o-mini"] = 0.075, ["gpt-4o-mini-2024-07-18"] = 0.075,
        ["gpt-4o-search-preview"] = 1.25, ["gpt-4o-mini-search-preview"] = 0.075,
        ["gpt-4.1"] = 1.0, ["gpt-4.1-mini"] = 0.2, ["gpt-4.1-nano"] = 0.05,
        ["o1"] = 7.5, ["o1-preview"] = 7.5, ["o1-mini"] = 0.55, ["o3-mini"] = 0.55, ["o3"] = 1.0, ["o4-mini"] = 0.55,
        ["davinci-002"] = 1, ["babbage-002"] = 0.2,
        ["text-embedding-ada-002"] = 0.05, ["text-embedding-3-small"] = 0.01, ["text-embedding-3-large"] = 0.065,
        ["text-moderation-stable"] = 0.1, ["text-moderation-latest"] = 0.1, ["omni-moderation-latest"] = 0.1,
        ["claude-3-haiku-20240307"] = 0.125, ["claude-3-5-haiku-20241022"] = 0.4, ["claude-3-5-haiku-latest"] = 0.4,
        ["claude-3-sonnet-20240229"] = 1.5, ["claude-3-5-sonnet-20240620"] = 1.5, ["claude-3-5-sonnet-20241022"] = 1.5,
        ["claude-3-5-sonnet-latest"] = 1.5, ["claude-3-7-sonnet-20250219"] = 1.5, ["claude-3-7-sonnet-latest"] = 1.5,
        ["claude-sonnet-4-20250514"] = 1.5, ["claude-3-opus-20240229"] = 7.5, ["claude-opus-4-20250514"] = 7.5,
        ["gemini-1.5-flash"] = 0.0375, ["gemini-1.5-pro"] = 0.625, ["gemini-2.0-flash"] = 0.05, ["gemini-2.0-flash-lite"] = 0.0375,
        ["gemini-2.0-flash-thinking-exp-01-21"] = 0.0375, ["gemini-2.5-pro"] = 0.625, ["gemini-2.5-flash"] = 0.15,
        ["deepseek-chat"] = 0.135, ["deepseek-reasoner"] = 0.275,
        ["mistral-small-latest"] = 0.1, ["mistral-large-latest"] = 1.0, ["mistral-embed"] = 0.05,
        ["grok-beta"] = 2.5,
        // gpt-4o-audio: the text price; audio tokens are weighted by AudioRatios (AudioTokenPricing).
        ["gpt-4o-audio-preview"] = 1.25, ["gpt-4o-audio-preview-2024-12-17"] = 1.25, ["gpt-4o-audio-preview-2024-10-01"] = 1.25,
        ["gpt-4o-mini-audio-preview"] = 0.075, ["gpt-4o-mini-audio-preview-2024-12-17"] = 0.075,
        // Cohere rerank: $2 per 1000 searches, billed per search unit (one-api HEAD's per-call price).
        ["rerank-v3.5"] = 0.002 * 500_000, ["rerank-english-v3.0"] = 0.002 * 500_000, ["rerank-multilingual-v3.0"] = 0.002 * 500_000,
        // Baidu and Alibaba price in RMB per 1K tokens; one-api's ratio is that × 500 / 7.
        ["ERNIE-4.0-8K"] = 0.12 * Rmb, ["ERNIE-3.5-8K"] = 0.012 * Rmb, ["ERNIE-Speed-8K"] = 0.004 * Rmb, ["ERNIE-Speed-128K"] = 0.004 * Rmb,
        ["ERNIE-Lite-8K-0308"] = 0.003 * Rmb, ["ERNIE-Tiny-8K"] = 0.001 * Rmb, ["Embedding-V1"] = 0.002 * Rmb,
        ["qwen-turbo"] = 0.0003 * Rmb, ["qwen-plus"] = 0.0008 * Rmb, ["qwen-max"] = 0.0024 * Rmb,
        ["text-embedding-v1"] = 0.0007 * Rmb, ["text-embedding-v2"] = 0.0007 * Rmb, ["text-embedding-v3"] = 0.0007 * Rmb,
        // Images: $ per picture × 500 (one-api's ImageUsdPerPic); audio: $ per 1K characters (TTS) or per ~1K tokens (whisper) × 500.
        ["dall-e-2"] = 0.02 * 500, ["dall-e-3"] = 0.04 * 500,
        ["wanx-v1"] = 8, // one-api's ratio, per picture
        ["imagen-3.0-generate-001"] = 0.04 * 500, ["imagen-3.0-generate-002"] = 0.04 * 500, ["imagen-3.0-fast-generate-001"] = 0.02 * 500,
        // Replicate (https://replicate.com/pricing): pictures at $ each × 500, language models at $ per million input tokens × 0.5.
        ["black-forest-labs/flux-1.1-pro"] = 0.04 * 500, ["black-forest-labs/flux-1.1-pro-ultra"] = 0.06 * 500,
        ["black-forest-labs/flux-canny-dev"] = 0.025 * 500, ["black-forest-labs/flux-canny-pro"] = 0.05 * 500,
        ["black-forest-labs/flux-depth-dev"] = 0.025 * 500, ["black-forest-labs/flux-depth-pro"] = 0.05 * 500,
        ["black-forest-labs/flux-dev"] = 0.025 * 500, ["black-forest-labs/flux-dev-lora"] = 0.032 * 500,
        ["black-forest-labs/flux-fill-dev"] = 0.04 * 500, ["black-forest-labs/flux-fill-pro"] = 0.05 * 500,
        ["black-forest-labs/flux-pro"] = 0.055 * 500, ["black-forest-labs/flux-redux-dev"] = 0.025 * 500,
        ["black-forest-labs/flux-redux-schnell"] = 0.003 * 500, ["black-forest-labs/flux-schnell"] = 0.003 * 500,
        ["black-forest-labs/flux-schnell-lora"] = 0.02 * 500, ["ideogram-ai/ideogram-v2"] = 0.08 * 500, ["ideogram-ai/ideogram-v2-turbo"] = 0.05 * 500,
        ["recraft-ai/recraft-v3"] = 0.04 * 500, ["recraft-ai/recraft-v3-svg"] = 0.08 * 500, ["stability-ai/stable-diffusion-3"] = 0.035 * 500,
        ["stability-ai/stable-diffusion-3.5-large"] = 0.065 * 500, ["stability-ai/stable-diffusion-3.5-large-turbo"] = 0.04 * 500,
        ["stability-ai/stable-diffusion-3.5-medium"] = 0.035 * 500,
        ["anthropic/claude-3.5-haiku"] = 1.0 * 0.5, ["anthropic/claude-3.5-sonnet"] = 3.75 * 0.5, ["anthropic/claude-3.7-sonnet"] = 3.0 * 0.5,
        ["deepseek-ai/deepseek-r1"] = 10.0 * 0.5, ["ibm-granite/granite-20b-code-instruct-8k"] = 0.1 * 0.5,
        ["ibm-granite/granite-3.0-2b-instruct"] = 0.03 * 0.5, ["ibm-granite/granite-3.0-8b-instruct"] = 0.05 * 0.5,
        ["ibm-granite/granite-3.1-2b-instruct"] = 0.03 * 0.5, ["ibm-granite/granite-3.1-8b-instruct"] = 0.03 * 0.5,
        ["ibm-granite/granite-3.2-8b-instruct"] = 0.03 * 0.5, ["ibm-granite/granite-8b-code-instruct-128k"] = 0.05 * 0.5,
        ["meta/llama-2-13b"] = 0.1 * 0.5, ["meta/llama-2-13b-chat"] = 0.1 * 0.5, ["meta/llama-2-70b"] = 0.65 * 0.5, ["meta/llama-2-70b-chat"] = 0.65 * 0.5,
        ["meta/llama-2-7b"] = 0.05 * 0.5, ["meta/llama-2-7b-chat"] = 0.05 * 0.5, ["meta/meta-llama-3.1-405b-instruct"] = 9.5 * 0.5,
        ["meta/meta-llama-3-70b"] = 0.65 * 0.5, ["meta/meta-llama-3-70b-instruct"] = 0.65 * 0.5, ["meta/meta-llama-3-8b"] = 0.05 * 0.5,
        ["meta/meta-llama-3-8b-instruct"] = 0.05 * 0.5, ["mistralai/mistral-7b-instruct-v0.2"] = 0.05 * 0.5, ["mistralai/mistral-7b-v0.1"] = 0.05 * 0.5,
        ["tts-1"] = 7.5, ["tts-1-1106"] = 7.5, ["tts-1-hd"] = 15, ["tts-1-hd-1106"] = 15, ["whisper-1"] = 15,
    };

    public static readonly IReadOnlyDictionary<string, double> CompletionRatios = new Dictionary<string, double>
    {
        ["deepseek-chat"] = 1.1 / 0.27,
        ["deepseek-reasoner"] = 2.19 / 0.55,
        ["gpt-4.1"] = 4, ["gpt-4.1-mini"] = 4, ["gpt-4.1-nano"] = 4,
        // Replicate's language models: output $ / input $ (one-api's table)
        ["anthropic/claude-3.5-haiku"] = 5.0 / 1.0, ["anthropic/claude-3.5-sonnet"] = 18.75 / 3.75, ["anthropic/claude-3.7-sonnet"] = 15.0 / 3.0,
        ["deepseek-ai/deepseek-r1"] = 1, ["ibm-granite/granite-20b-code-instruct-8k"] = 0.5 / 0.1,
        ["ibm-granite/granite-3.0-2b-instruct"] = 0.25 / 0.03, ["ibm-granite/granite-3.0-8b-instruct"] = 0.25 / 0.05,
        ["ibm-granite/granite-3.1-2b-instruct"] = 0.25 / 0.03, ["ibm-granite/granite-3.1-8b-instruct"] = 0.25 / 0.03,
        ["ibm-granite/granite-3.2-8b-instruct"] = 0.25 / 0.03, ["ibm-granite/granite-8b-code-instruct-128k"] = 0.25 / 0.05,
        ["meta/llama-2-13b"] = 0.5 / 0.1, ["meta/llama-2-13b-chat"] = 0.5 / 0.1, ["meta/llama-2-70b"] = 2.75 / 0.65, ["meta/llama-2-70b-chat"] = 2.75 / 0.65,
        ["meta/llama-2-7b"] = 0.25 / 0.05, ["meta/llama-2-7b-chat"] = 0.25 / 0.05, ["meta/meta-llama-3.1-405b-instruct"] = 1,
        ["meta/meta-llama-3-70b"] = 2.75 / 0.65, ["meta/meta-llama-3-70b-instruct"] = 2.75 / 0.65, ["meta/meta-llama-3-8b"] = 0.25 / 0.05,
        ["meta/meta-llama-3-8b-instruct"] = 0.25 / 0.05, ["mistralai/mistral-7b-instruct-v0.2"] = 0.25 / 0.05, ["mistralai/mistral-7b-v0.1"] = 0.25 / 0.05,
    };

    /// <summary>one-api's <c>AudioRatio</c>: what an audio token costs in text tokens of the same model. Others: 16.</summary>
    public static readonly IReadOnlyDictionary<string, double> AudioRatios = new Dictionary<string, double>
    {
        ["gpt-4o-audio-preview"] = 16, ["gpt-4o-audio-preview-2024-12-17"] = 16, ["gpt-4o-audio-preview-2024-10-01"] = 40,
        ["gpt-4o-mini-audio-preview"] = 10 / 0.15, ["gpt-4o-mini-audio-preview-2024-12-17"] = 10 / 0.15,
    };

    public const double DefaultAudioRatio = 16;

    /// <summary>one-api's <c>AudioCompletionRatio</c>: an output audio token over an input one. 2 for every gpt-4o-audio model.</summary>
    public const double DefaultAudioCompletionRatio = 2;

    /// <summary>one-api's completion ratios by model family, used when no table names the model.</summary>
    public static double CompletionRatioByFamily(string model)
    {
        if (model.StartsWith("gpt-3.5", StringComparison.Ordinal))
        {
            if (model == "gpt-3.5-turbo" || model.EndsWith("0125", StringComparison.Ordinal))
            {
                return 3;
            }
            return model.EndsWith("1106", StringComparison.Ordinal) ? 2 : 4.0 / 3.0;
        }
        if (model == "chatgpt-4o-latest" || model == "gpt-4o-2024-05-13")
        {
            return 3;
        }
        if (model.StartsWith("gpt-4o", StringComparison.Ordinal))
        {
            return 4;
        }
        if (model.StartsWith("gpt-4-", StringComparison.Ordinal) && (model.StartsWith("gpt-4-turbo", StringComparison.Ordinal) || model.EndsWith("preview", StringComparison.Ordinal)))
        {
            return 3;
        }
        if (model.StartsWith("gpt-4", StringComparison.Ordinal))
        {
            return 2;
        }
        if (model.StartsWith("o1", StringComparison.Ordinal) || model.StartsWith("o3", StringComparison.Ordinal) || model.StartsWith("o4", StringComparison.Ordinal))
        {
            return 4;
        }
        if (model.StartsWith("claude-3", StringComparison.Ordinal) || model.StartsWith("claude-sonnet-4", StringComparison.Ordinal) || model.StartsWith("claude-opus-4", StringComparison.Ordinal))
        {
            return 5;
        }
        if (model.StartsWith("claude-", StringComparison.Ordinal) || model.StartsWith("mistral-", StringComparison.Ordinal))
        {
            return 3;
        }
        if (model.StartsWith("gemini-", StringComparison.Ordinal))
        {
            return 4;
        }
        if (model.StartsWith("deepseek-", StringComparison.Ordinal))
        {
            return 2;
        }
        return 1;
    }
}
