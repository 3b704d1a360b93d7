using System.Text.Json.Nodes;
using OneApi.Relay.Abstractions;
using OneApi.Relay.Images;
using OneApi.Relay.OpenAI;

namespace OneApi.Relay.Adaptors.Ollama;

/// <summary>
/// OpenAI chat → Ollama's <c>/api/chat</c> body (https://github.com/ollama/ollama/blob/main/docs/api.md): messages
/// keep their roles with text content and base64 <c>images</c>; sampling settings go under <c>options</c>
/// (<c>max_tokens</c> as <c>num_predict</c>, as one-api sends them); tools go as they are, since Ollama takes OpenAI's
/// function schema, and earlier tool calls go back with their arguments as objects.
/// </summary>
public static class ToOllamaRequest
{
    private static readonly (string OpenAI, string Ollama)[] Options =
    [
        ("temperature", "temperature"), ("top_p", "top_p"), ("top_k", "top_k"), ("seed", "seed"), ("stop", "stop"),
        ("frequency_penalty", "frequency_penalty"), ("presence_penalty", "presence_penalty"), ("num_ctx", "num_ctx"),
    ];

    public static async Task<JsonObject> ChatAsync(RelayRequest request, UserImageFetcher? images, CancellationToken cancellationToken)
    {
        var source = request.Body;
        var messages = source["messages"] as JsonArray ?? [];
        var fetched = await RequestImages.FetchAsync(messages, images, cancellationToken).ConfigureAwait(false);
        var body = new JsonObject
        {
            ["model"] = request.Model,
            ["messages"] = new JsonArray(messages.OfType<JsonObject>().Select(m => (JsonNode?)Message(m, fetched)).ToArray()),
            // Ollama streams unless told not to.
            ["stream"] = request.IsStream,
        };
        if (source["tools"] is JsonArray { Count: > 0 } tools)
        {
            body["tools"] = tools.DeepClone();
        }
        if (Settings(request) is { Count: > 0 } options)
        {
            body["options"] = options;
        }
        if (source["response_format"] is JsonObject format && JsonWire.String(format["type"]) == "json_object")
        {
            body["format"] = "json";
        }
        return body;
    }

    /// <summary>OpenAI embeddings → <c>/api/embed</c>: <c>input</c> as a string or a list, as Ollama takes both.</summary>
    public static JsonObject Embeddings(RelayRequest request) => new()
    {
        ["model"] = request.Model,
        ["input"] = request.Body["input"]?.DeepClone(),
    };

    private static JsonObject Message(JsonObject message, IReadOnlyDictionary<string, InlineImage> fetched)
    {
        var role = JsonWire.String(message["role"]) ?? "user";
        var converted = new JsonObject { ["role"] = role == "developer" ? "system" : role };
        var text = "";
        var pictures = new JsonArray();
        switch (message["content"])
        {
            case JsonArray parts:
                foreach (var part in parts.OfType<JsonObject>())
                {
                    if (JsonWire.String(part["type"]) == "text")
                    {
                        text += JsonWire.String(part["text"]);
                    }
                    else if (JsonWire.String(part["type"]) == "image_url")
                    {
                        var url = RequestImages.UrlOf(part);
                        var image = RequestImages.Find(url, fetched)
                            ?? throw new RelayErrorException(RelayError.InvalidRequest($"the image at {url} could not be fetched", "image_url_unavailable"));
                        pictures.Add(image.Base64Data);
                    }
                }
                break;
            case JsonValue value:
                text = JsonWire.String(value) ?? "";
                break;
        }
        converted["content"] = text;
        if (pictures.Count > 0)
        {
            converted["images"] = pictures;
        }
        if (message["tool_calls"] is JsonArray calls)
        {
            converted["tool_calls"] = new JsonArray(calls.OfType<JsonObject>().Select(c => (JsonNode?)ToolCall(c)).ToArray());
        }
        return converted;
    }

    private static JsonObject ToolCall(JsonObject call)
    {
        var function = call["function"] as JsonObject;
        var arguments = JsonWire.String(function?["arguments"]) is { Length: > 0 } text ? JsonNode.Parse(text) : new JsonObject();
        return new JsonObject { ["function"] = new JsonObject { ["name"] = function?["name"]?.DeepClone(), ["arguments"] = arguments } };
    }

    private static JsonObject Settings(RelayRequest request)
    {
        var options = new JsonObject();
        foreach (var (openAI, ollama) in Options)
        {
            if (request.Body[openAI] is { } value)
            {
                options[ollama] = value.DeepClone();
            }
        }
        if (request.MaxTokens is { } limit)
        {
            options["num_predict"] = limit;
        }
        return options;
    }
}
