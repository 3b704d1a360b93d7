namespace OneApi.Relay.Abstractions;

/// <summary>Which OpenAI endpoint a request came in on; decides how it is priced and converted.</summary>
public enum RelayMode
{
    ChatCompletions,
    Completions,
    Embeddings,
    Moderations,
    ImagesGenerations,
    ImagesEdits,
    ImagesVariations,
    AudioSpeech,
    AudioTranscription,
    AudioTranslation,
    /// <summary>Cohere/Jina-style document reranking (<c>/v1/rerank</c>).</summary>
    Rerank,
    /// <summary>OpenAI's retired <c>/v1/edits</c>, still relayed by one-api to whichever upstream serves it.</summary>
    Edits,
}

public static class RelayModes
{
    /// <summary>The OpenAI path of a mode, relative to a provider's base URL.</summary>
    public static string Path(this RelayMode mode) => mode switch
    {
        RelayMode.ChatCompletions => "/v1/chat/completions",
        RelayMode.Completions => "/v1/completions",
        RelayMode.Embeddings => "/v1/embeddings",
        RelayMode.Moderations => "/v1/moderations",
        RelayMode.ImagesGenerations => "/v1/images/generations",
        RelayMode.ImagesEdits => "/v1/images/edits",
        RelayMode.ImagesVariations => "/v1/images/variations",
        RelayMode.AudioSpeech => "/v1/audio/speech",
        RelayMode.AudioTranscription => "/v1/audio/transcriptions",
        RelayMode.AudioTranslation => "/v1/audio/translations",
        RelayMode.Rerank => "/v1/rerank",
        RelayMode.Edits => "/v1/edits",
        _ => throw new ArgumentOutOfRangeException(nameof(mode)),
    };

    /// <summary>The image endpoints, priced per picture.</summary>
    public static bool IsImage(this RelayMode mode) => mode is RelayMode.ImagesGenerations or RelayMode.ImagesEdits or RelayMode.ImagesVariations;
}
