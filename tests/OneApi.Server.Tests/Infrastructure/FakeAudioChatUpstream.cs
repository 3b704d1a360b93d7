using Microsoft.AspNetCore.Http;

namespace OneApi.Server.Tests.Infrastructure;

/// <summary>
/// gpt-4o-audio's chat on loopback (https://platform.openai.com/docs/guides/audio): an answer with <c>message.audio</c>
/// (or a stream of <c>delta.audio</c> chunks and a final usage chunk), usage split into text and audio tokens as OpenAI
/// reports it.
/// </summary>
public sealed class FakeAudioChatUpstream : FakeUpstreamHost
{
    public const int PromptTokens = 37, PromptAudioTokens = 20, CompletionTokens = 193, CompletionAudioTokens = 153;
    public const string Transcript = "Yes, that is a dog.";
    public static readonly byte[] Audio = [82, 73, 70, 70, 1, 2, 3, 4];

    private static readonly string Usage = $$$"""
        {"prompt_tokens":{{{PromptTokens}}},"completion_tokens":{{{CompletionTokens}}},"total_tokens":{{{PromptTokens + CompletionTokens}}},
         "prompt_tokens_details":{"cached_tokens":0,"audio_tokens":{{{PromptAudioTokens}}},"text_tokens":{{{PromptTokens - PromptAudioTokens}}}},
         "completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":{{{CompletionAudioTokens}}},"text_tokens":{{{CompletionTokens - CompletionAudioTokens}}}}}
        """.ReplaceLineEndings("");

    public static Task<FakeAudioChatUpstream> StartAsync() => StartAsync(new FakeAudioChatUpstream());

    protected override Task HandleAsync(HttpContext context, string caseId, string scenario, UpstreamCall call)
    {
        var audio = Convert.ToBase64String(Audio);
        if ((bool?)call.Json["stream"] != true)
        {
            return WriteJsonAsync(context.Response, 200, $$$"""
                {"id":"chatcmpl-a1","object":"chat.completion","created":1730425679,"model":"gpt-4o-audio-preview","choices":[{"index":0,
                 "message":{"role":"assistant","content":null,"refusal":null,"audio":{"id":"audio_1","data":"{{{audio}}}","expires_at":1730429279,"transcript":"{{{Transcript}}}"}},
                 "finish_reason":"stop"}],"usage":{{{Usage}}}}
                """);
        }
        const string head = """{"id":"chatcmpl-a1","object":"chat.completion.chunk","created":1730425679,"model":"gpt-4o-audio-preview","choices":""";
        return WriteSseAsync(context.Response,
        [
            (null, head + """[{"index":0,"delta":{"role":"assistant","content":null,"audio":{"id":"audio_1","transcript":"Yes, "}},"finish_reason":null}]}"""),
            (null, head + $$$"""[{"index":0,"delta":{"audio":{"data":"{{{audio}}}","transcript":"that is a dog."}},"finish_reason":null}]}"""),
            (null, head + """[{"index":0,"delta":{},"finish_reason":"stop"}]}"""),
            (null, head + $$$"""[],"usage":{{{Usage}}}}"""),
            (null, "[DONE]"),
        ]);
    }
}
