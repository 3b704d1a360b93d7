using System.Text;
using OneApi.Relay.Abstractions;

namespace OneApi.Relay.Tests.Inbound;

/// <summary>An OpenAI chat stream as a converted channel yields it, for the client APIs that translate it.</summary>
internal static class ChatTranscript
{
    /// <summary>Reasoning, the texts, one tool call <c>f({"a":1})</c> in two chunks, the finish reason, and usage 5 + 7.</summary>
    public static MemoryStream ReasoningTextAndToolCall(string finishReason, params string[] texts)
    {
        static string Chunk(string delta, string finish = "null") =>
            $$"""data: {"id":"c1","model":"gpt-4o","created":1,"choices":[{"index":0,"delta":{{{delta}}},"finish_reason":{{finish}}}]}""" + "\n\n";
        var sse = Chunk("\"role\":\"assistant\",\"reasoning_content\":\"think\"") + string.Concat(texts.Select(t => Chunk($"\"content\":\"{t}\"")))
            + Chunk("\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"\"}}]")
            + Chunk("\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"a\\\":1}\"}}]")
            + Chunk("", $"\"{finishReason}\"")
            + "data: {\"id\":\"c1\",\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":7,\"total_tokens\":12}}\n\ndata: [DONE]\n\n";
        return new MemoryStream(Encoding.UTF8.GetBytes(sse));
    }

    /// <summary>Every frame the adaptor makes of <paramref name="upstream"/>.</summary>
    public static async Task<List<StreamFrame>> ReadAllAsync(this IChannelAdaptor adaptor, Stream upstream, RelayRequest request)
    {
        var frames = new List<StreamFrame>();
        await foreach (var frame in adaptor.ReadStreamAsync(upstream, request, CancellationToken.None))
        {
            frames.Add(frame);
        }
        return frames;
    }
}
