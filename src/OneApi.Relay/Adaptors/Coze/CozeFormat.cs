using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json.Nodes;
using OneApi.Relay.Abstractions;
using OneApi.Relay.OpenAI;

namespace OneApi.Relay.Adaptors.Coze;

/// <summary>
/// A Coze bot through the v3 chat API (https://www.coze.com/docs/developer_guides/chat_v3): the model is the bot,
/// named <c>bot-{id}</c> as in one-api; the messages go as <c>additional_messages</c> (user and assistant turns;
/// system text is sent as a user turn, as Coze takes no system role). The upstream is always asked to stream: v3
/// answers a non-stream call with a chat still in progress, so a whole answer is the stream gathered, and the
/// <c>conversation.chat.completed</c> event's usage is billed either way.
/// </summary>
public sealed class CozeFormat(TimeProvider? time = null) : IWireFormat
{
    private const string BotPrefix = "bot-";

    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public WireFormatKind Kind => WireFormatKind.Coze;

    public bool Claims(string model) => true;

    public bool Supports(RelayMode mode) => mode == RelayMode.ChatCompletions;

    public ValueTask<UpstreamPayload> ToUpstreamAsync(RelayRequest request, CancellationToken cancellationToken)
    {
        var messages = OpenAIMessages.Turns(request.Body)
            .Select(t => new JsonObject { ["role"] = t.Role == "assistant" ? "assistant" : "user", ["content"] = t.Text, ["content_type"] = "text" });
        var body = new JsonObject
        {
            ["bot_id"] = request.Model.StartsWith(BotPrefix, StringComparison.Ordinal) ? request.Model[BotPrefix.Length..] : request.Model,
            ["user_id"] = JsonWire.String(request.Body["user"]) is { Length: > 0 } user ? user : "one-api",
            ["stream"] = true,
            ["auto_save_history"] = false,
            ["additional_messages"] = new JsonArray([.. messages]),
        };
        return ValueTask.FromResult(new UpstreamPayload(Kind, request.Mode, request.Model, Stream: true) { Json = body });
    }

    public async Task<UpstreamAnswer> ReadAnswerAsync(HttpResponseMessage response, RelayRequest request, CancellationToken cancellationToken)
    {
        var upstream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var text = new StringBuilder();
        var chatId = "";
        await foreach (var wrapped in CozeEvents.ReadAsync(upstream, cancellationToken).ConfigureAwait(false))
        {
            var evt = CozeEvent.Read(wrapped.Span);
            if (evt.Error is { } error)
            {
                return new UpstreamAnswer(default, null, "", error);
            }
            chatId = evt.ChatId ?? chatId;
            text.Append(evt.Text);
            if (evt.Completed)
            {
                var answer = OpenAIShapes.Completion("chatcmpl-" + chatId, _time.GetUtcNow().ToUnixTimeSeconds(), request.Model,
                    new JsonObject { ["role"] = "assistant", ["content"] = text.ToString() }, "stop", evt.Usage);
                return new UpstreamAnswer(JsonWire.Serialize(answer), evt.Usage, text.ToString());
            }
        }
        return new UpstreamAnswer(default, null, text.ToString(), RelayError.UpstreamMalformed("Coze's stream ended before the chat completed"));
    }

    public async IAsyncEnumerable<StreamFrame> ReadStreamAsync(IAsyncEnumerable<ReadOnlyMemory<byte>> events, RelayRequest request,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var chunks = new OpenAIStreamChunks(request, _time.GetUtcNow().ToUnixTimeSeconds());
        await foreach (var wrapped in events.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            var evt = CozeEvent.Read(wrapped.Span);
            if (evt.Error is { } error)
            {
                yield return new StreamFrame(default, Error: error);
                yield break;
            }
            if (evt.ChatId is { } chatId)
            {
                chunks.Id = "chatcmpl-" + chatId;
            }
            if (evt.Text.Length == 0 && !evt.Completed)
            {
                continue;
            }
            foreach (var frame in chunks.Delta(new JsonObject { ["content"] = evt.Text }, evt.Text, evt.Completed ? "stop" : null, evt.Usage))
            {
                yield return frame;
            }
            if (evt.Completed)
            {
                yield break;
            }
        }
    }

    public RelayError ReadError(int statusCode, ReadOnlySpan<byte> body) => CozeEvent.ErrorOf(statusCode, JsonWire.Parse(body));
}
