namespace OneApi.Relay.Adaptors.OpenAI;

internal static class OpenAIModels
{
    public static readonly string[] All =
    [
        "gpt-3.5-turbo", "gpt-3.5-turbo-0125", "gpt-3.5-turbo-1106", "gpt-3.5-turbo-instruct",
        "gpt-4", "gpt-4-turbo", "gpt-4-turbo-2024-04-09", "gpt-4-0613", "gpt-4-32k",
        "gpt-4o", "gpt-4o-2024-05-13", "gpt-4o-2024-08-06", "gpt-4o-2024-11-20", "chatgpt-4o-latest",
        "gpt-4o-mini", "gpt-4o-mini-2024-07-18", "gpt-4o-audio-preview", "gpt-4o-search-preview", "gpt-4o-mini-search-preview",
        "gpt-4.1", "gpt-4.1-mini", "gpt-4.1-nano",
        "o1", "o1-mini", "o1-preview", "o3-mini", "o3", "o4-mini",
        "text-embedding-ada-002", "text-embedding-3-small", "text-embedding-3-large",
        "text-moderation-latest", "text-moderation-stable", "omni-moderation-latest",
        "davinci-002", "babbage-002",
        "dall-e-2", "dall-e-3", "whisper-1", "tts-1", "tts-1-hd",
    ];
}
