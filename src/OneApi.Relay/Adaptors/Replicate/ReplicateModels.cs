namespace OneApi.Relay.Adaptors.Replicate;

/// <summary>The official models one-api (Laisky, relay/adaptor/replicate) lists for Replicate, by owner/name.</summary>
public static class ReplicateModels
{
    public static readonly string[] Images =
    [
        "black-forest-labs/flux-1.1-pro", "black-forest-labs/flux-1.1-pro-ultra", "black-forest-labs/flux-canny-dev",
        "black-forest-labs/flux-canny-pro", "black-forest-labs/flux-depth-dev", "black-forest-labs/flux-depth-pro",
        "black-forest-labs/flux-dev", "black-forest-labs/flux-dev-lora", "black-forest-labs/flux-fill-dev", "black-forest-labs/flux-fill-pro",
        "black-forest-labs/flux-pro", "black-forest-labs/flux-redux-dev", "black-forest-labs/flux-redux-schnell",
        "black-forest-labs/flux-schnell", "black-forest-labs/flux-schnell-lora",
        "ideogram-ai/ideogram-v2", "ideogram-ai/ideogram-v2-turbo", "recraft-ai/recraft-v3", "recraft-ai/recraft-v3-svg",
        "stability-ai/stable-diffusion-3", "stability-ai/stable-diffusion-3.5-large", "stability-ai/stable-diffusion-3.5-large-turbo",
        "stability-ai/stable-diffusion-3.5-medium",
    ];

    public static readonly string[] Chat =
    [
        "anthropic/claude-3.5-haiku", "anthropic/claude-3.5-sonnet", "anthropic/claude-3.7-sonnet", "deepseek-ai/deepseek-r1",
        "ibm-granite/granite-20b-code-instruct-8k", "ibm-granite/granite-3.0-2b-instruct", "ibm-granite/granite-3.0-8b-instruct",
        "ibm-granite/granite-3.1-2b-instruct", "ibm-granite/granite-3.1-8b-instruct", "ibm-granite/granite-3.2-8b-instruct",
        "ibm-granite/granite-8b-code-instruct-128k",
        "meta/llama-2-13b", "meta/llama-2-13b-chat", "meta/llama-2-70b", "meta/llama-2-70b-chat", "meta/llama-2-7b", "meta/llama-2-7b-chat",
        "meta/meta-llama-3.1-405b-instruct", "meta/meta-llama-3-70b", "meta/meta-llama-3-70b-instruct", "meta/meta-llama-3-8b",
        "meta/meta-llama-3-8b-instruct", "mistralai/mistral-7b-instruct-v0.2", "mistralai/mistral-7b-v0.1",
    ];

    public static readonly string[] All = [.. Images, .. Chat];
}
