using System.Text.Json.Nodes;
using OneApi.Relay.Abstractions;
using OneApi.Relay.OpenAI;

namespace OneApi.Relay.Adaptors.Cohere;

/// <summary>
/// OpenAI chat → Cohere's v1 chat body (https://docs.cohere.com/v1/reference/chat): the last user turn is
/// <c>message</c>, earlier turns are <c>chat_history</c> (<c>USER</c>/<c>CHATBOT</c>), system messages are the
/// <c>preamble</c>. A model named <c>…-internet</c> is the model with the web-search connector, as in one-api.
/// </summary>
public static class ToCohereRequest
{
    private const string InternetSuffix = "-internet";

    private static readonly (string OpenAI, string Cohere)[] Settings =
    [
        ("temperature", "temperature"), ("top_p", "p"), ("top_k", "k"), ("seed", "seed"), ("frequency_penalty", "frequency_penalty"),
        ("presence_penalty", "presence_penalty"),
    ];

    public static JsonObject Convert(RelayRequest request)
    {
        var source = request.Body;
        var model = request.Model;
        var body = new JsonObject();
        if (model.EndsWith(InternetSuffix, StringComparison.Ordinal))
        {
            model = model[..^InternetSuffix.Length];
            body["connectors"] = new JsonArray(new JsonObject { ["id"] = "web-search" });
        }
        body["model"] = model;
        var preamble = new List<string>();
        var history = new JsonArray();
        var turns = (source["messages"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        var last = turns.FindLastIndex(m => JsonWire.String(m["role"]) == "user");
        for (var i = 0; i < turns.Count; i++)
        {
            var role = JsonWire.String(turns[i]["role"]);
            var text = OpenAIMessages.TextOf(turns[i]["content"]);
            if (i == last)
            {
                body["message"] = text;
            }
            else if (role is "system" or "developer")
            {
                preamble.Add(text);
            }
            else
            {
                history.Add(new JsonObject { ["role"] = role == "assistant" ? "CHATBOT" : "USER", ["message"] = text });
            }
        }
        body["message"] ??= "";
        if (preamble.Count > 0)
        {
            body["preamble"] = string.Join("\n", preamble);
        }
        if (history.Count > 0)
        {
            body["chat_history"] = history;
        }
        OpenAIMessages.CopySettings(source, body, Settings);
        if (request.MaxTokens is { } limit)
        {
            body["max_tokens"] = limit;
        }
        if (OpenAIMessages.StopList(source["stop"]) is { } stop)
        {
            body["stop_sequences"] = stop;
        }
        body["stream"] = request.IsStream;
        return body;
    }
}
