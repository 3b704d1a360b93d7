using System.Text.Json.Nodes;
using OneApi.Relay.Abstractions;
using OneApi.Relay.Images;
using OneApi.Relay.OpenAI;

namespace OneApi.Relay.Adaptors.Gemini;

/// <summary>
/// OpenAI chat and embedding requests → Gemini's <c>generateContent</c> and <c>batchEmbedContents</c> bodies
/// (https://ai.google.dev/api/generate-content). The same body goes to Google AI Studio and to Vertex AI.
/// </summary>
public static class ToGeminiRequest
{
    private static readonly string[] HarmCategories =
    [
        "HARM_CATEGORY_HARASSMENT", "HARM_CATEGORY_HATE_SPEECH", "HARM_CATEGORY_SEXUALLY_EXPLICIT",
        "HARM_CATEGORY_DANGEROUS_CONTENT", "HARM_CATEGORY_CIVIC_INTEGRITY",
    ];

    // The OpenAPI subset Gemini's Schema takes (https://ai.google.dev/api/caching#Schema); JSON Schema's other
    // keywords ($schema, additionalProperties, strict…) make it answer 400.
    private static readonly HashSet<string> SchemaKeywords =
    [
        "type", "format", "title", "description", "nullable", "enum", "maxItems", "minItems", "properties", "required",
        "minProperties", "maxProperties", "minLength", "maxLength", "pattern", "example", "anyOf", "propertyOrdering",
        "default", "items", "minimum", "maximum",
    ];

    private static readonly Dictionary<string, int> ThinkingBudgets = new(StringComparer.Ordinal) { ["low"] = 1024, ["medium"] = 8192, ["high"] = 24576 };

    /// <summary>
    /// The chat body. System messages become <c>system_instruction</c> for every model, without one-api's dummy
    /// "Okay" model turn; tool results are sent back as <c>functionResponse</c> parts; image URLs are fetched and
    /// inlined (a URL that cannot be fetched goes as <c>fileData</c>).
    /// </summary>
    public static async Task<JsonObject> ConvertAsync(RelayRequest request, GeminiOptions options, UserImageFetcher? images, CancellationToken cancellationToken)
    {
        var source = request.Body;
        var body = new JsonObject();
        var messages = source["messages"] as JsonArray ?? [];
        var fetched = await RequestImages.FetchAsync(messages, images, cancellationToken).ConfigureAwait(false);
        var (system, contents) = ConvertMessages(messages, fetched);
        if (system.Count > 0)
        {
            body["system_instruction"] = new JsonObject { ["parts"] = system };
        }
        body["contents"] = contents;
        body["safetySettings"] = new JsonArray(HarmCategories
            .Select(c => (JsonNode?)new JsonObject { ["category"] = c, ["threshold"] = options.SafetySetting }).ToArray());
        if (GenerationConfig(request) is { Count: > 0 } config)
        {
            body["generationConfig"] = config;
        }
        if (Tools(source) is { Count: > 0 } declarations)
        {
            body["tools"] = new JsonArray(new JsonObject { ["functionDeclarations"] = declarations });
            if (ToolConfig(source["tool_choice"]) is { } toolConfig)
            {
                body["toolConfig"] = toolConfig;
            }
        }
        return body;
    }

    /// <summary><c>batchEmbedContents</c>: one request per input string (https://ai.google.dev/api/embeddings).</summary>
    public static JsonObject Embeddings(RelayRequest request)
    {
        var inputs = request.Body["input"] switch
        {
            JsonArray array => array.Select(i => JsonWire.String(i) ?? i?.ToJsonString() ?? ""),
            var single => [JsonWire.String(single) ?? ""],
        };
        var dimensions = JsonWire.Int(request.Body["dimensions"]);
        var requests = inputs.Select(text =>
        {
            var item = new JsonObject
            {
                ["model"] = "models/" + request.Model,
                ["content"] = new JsonObject { ["parts"] = new JsonArray(new JsonObject { ["text"] = text }) },
            };
            if (dimensions is > 0)
            {
                item["outputDimensionality"] = dimensions;
            }
            return (JsonNode?)item;
        });
        return new JsonObject { ["requests"] = new JsonArray(requests.ToArray()) };
    }

    private static (JsonArray System, JsonArray Contents) ConvertMessages(JsonArray messages, IReadOnlyDictionary<string, InlineImage> fetched)
    {
        var system = new JsonArray();
        var contents = new JsonArray();
        var toolNames = new Dictionary<string, string>(StringComparer.Ordinal);
        JsonObject? pendingResults = null;
        foreach (var message in messages.OfType<JsonObject>())
        {
            var role = JsonWire.String(message["role"]);
            if (role is "tool" or "function")
            {
                // Gemini wants every result of one turn's calls in one content, as many parts as there were calls.
                if (pendingResults is null)
                {
                    pendingResults = new JsonObject { ["role"] = "user", ["parts"] = new JsonArray() };
                    contents.Add(pendingResults);
                }
                ((JsonArray)pendingResults["parts"]!).Add(FunctionResponse(message, toolNames));
                continue;
            }
            pendingResults = null;
            var parts = Parts(message["content"], fetched);
            switch (role)
            {
                case "system" or "developer":
                    foreach (var part in parts)
                    {
                        system.Add(part?.DeepClone());
                    }
                    break;
                case "assistant":
                    foreach (var call in (message["tool_calls"] as JsonArray ?? []).OfType<JsonObject>())
                    {
                        parts.Add(FunctionCall(call, toolNames));
                    }
                    contents.Add(new JsonObject { ["role"] = "model", ["parts"] = NonEmpty(parts) });
                    break;
                default:
                    contents.Add(new JsonObject { ["role"] = "user", ["parts"] = NonEmpty(parts) });
                    break;
            }
        }
        return (system, contents);
    }

    private static JsonArray NonEmpty(JsonArray parts) => parts.Count > 0 ? parts : [new JsonObject { ["text"] = "" }];

    private static JsonArray Parts(JsonNode? content, IReadOnlyDictionary<string, InlineImage> fetched)
    {
        var parts = new JsonArray();
        if (JsonWire.String(content) is { Length: > 0 } text)
        {
            parts.Add(new JsonObject { ["text"] = text });
            return parts;
        }
        foreach (var item in (content as JsonArray ?? []).OfType<JsonObject>())
        {
            switch (JsonWire.String(item["type"]))
            {
                case "text" when JsonWire.String(item["text"]) is { Length: > 0 } piece:
                    parts.Add(new JsonObject { ["text"] = piece });
                    break;
                case "image_url":
                    parts.Add(ImagePart(RequestImages.UrlOf(item), fetched));
                    break;
                case "input_audio" when item["input_audio"] is JsonObject audio:
                    parts.Add(InlineData("audio/" + (JsonWire.String(audio["format"]) ?? "wav"), JsonWire.String(audio["data"]) ?? ""));
                    break;
                case "file" when JsonWire.String((item["file"] as JsonObject)?["file_data"]) is { } fileData &&
                    UserImageFetcher.TryParseDataUrl(fileData, out var file):
                    parts.Add(InlineData(file.MediaType, file.Base64Data));
                    break;
            }
        }
        return parts;
    }

    private static JsonObject ImagePart(string url, IReadOnlyDictionary<string, InlineImage> fetched)
    {
        var image = RequestImages.Find(url, fetched);
        return image is null
            ? new JsonObject { ["fileData"] = new JsonObject { ["fileUri"] = url } }
            : InlineData(image.MediaType, image.Base64Data);
    }

    private static JsonObject InlineData(string mimeType, string data) =>
        new() { ["inlineData"] = new JsonObject { ["mimeType"] = mimeType, ["data"] = data } };

    private static JsonObject FunctionCall(JsonObject toolCall, Dictionary<string, string> toolNames)
    {
        var function = toolCall["function"] as JsonObject;
        var name = JsonWire.String(function?["name"]) ?? "";
        if (JsonWire.String(toolCall["id"]) is { } id)
        {
            toolNames[id] = name;
        }
        var args = JsonWire.String(function?["arguments"]) is { Length: > 0 } arguments ? JsonWire.Parse(System.Text.Encoding.UTF8.GetBytes(arguments)) : null;
        return new JsonObject { ["functionCall"] = new JsonObject { ["name"] = name, ["args"] = args ?? new JsonObject() } };
    }

    /// <summary>A tool result; Gemini takes an object, so text that is not one goes as <c>{"content": text}</c>.</summary>
    private static JsonObject FunctionResponse(JsonObject message, Dictionary<string, string> toolNames)
    {
        var name = JsonWire.String(message["name"]) ??
            (JsonWire.String(message["tool_call_id"]) is { } id ? toolNames.GetValueOrDefault(id) : null) ?? "";
        var text = JsonWire.String(message["content"]) ??
            string.Concat((message["content"] as JsonArray ?? []).OfType<JsonObject>().Select(p => JsonWire.String(p["text"])));
        var response = JsonWire.Parse(System.Text.Encoding.UTF8.GetBytes(text)) ?? new JsonObject { ["content"] = text };
        return new JsonObject { ["functionResponse"] = new JsonObject { ["name"] = name, ["response"] = response } };
    }

    private static JsonObject GenerationConfig(RelayRequest request)
    {
        var source = request.Body;
        var config = new JsonObject();
        foreach (var (from, to) in (ReadOnlySpan<(string, string)>)[("temperature", "temperature"), ("top_p", "topP"), ("top_k", "topK"),
                     ("presence_penalty", "presencePenalty"), ("frequency_penalty", "frequencyPenalty"), ("seed", "seed"), ("n", "candidateCount")])
        {
            if (source[from] is JsonValue value && value.GetValueKind() == System.Text.Json.JsonValueKind.Number)
            {
                config[to] = value.DeepClone();
            }
        }
        if (request.MaxTokens is > 0 and var max)
        {
            config["maxOutputTokens"] = max;
        }
        switch (source["stop"])
        {
            case JsonValue stop when JsonWire.String(stop) is { Length: > 0 } sequence:
                config["stopSequences"] = new JsonArray(sequence);
                break;
            case JsonArray stops:
                config["stopSequences"] = stops.DeepClone();
                break;
        }
        if (source["response_format"] is JsonObject format)
        {
            switch (JsonWire.String(format["type"]))
            {
                case "json_object":
                    config["responseMimeType"] = "application/json";
                    break;
                case "json_schema":
                    config["responseMimeType"] = "application/json";
                    if ((format["json_schema"] as JsonObject)?["schema"] is JsonObject schema)
                    {
                        config["responseSchema"] = Schema(schema);
                    }
                    break;
                case "text":
                    config["responseMimeType"] = "text/plain";
                    break;
            }
        }
        if (Thinking(request) is { } thinking)
        {
            config["thinkingConfig"] = thinking;
        }
        return config;
    }

    /// <summary>
    /// Thoughts are returned only when asked for (https://ai.google.dev/gemini-api/docs/thinking): when the client asks
    /// for reasoning (<c>reasoning_format</c>, <c>?thinking</c> or <c>reasoning_effort</c>) from a model that thinks.
    /// </summary>
    private static JsonObject? Thinking(RelayRequest request)
    {
        var effort = JsonWire.String(request.Body["reasoning_effort"]);
        if (!GeminiModels.CanThink(request.Model) ||
            effort is null && ReasoningFormat.Requested(request) is null && !request.Query.ContainsKey("thinking"))
        {
            return null;
        }
        var thinking = new JsonObject { ["includeThoughts"] = true };
        if (effort is not null && ThinkingBudgets.TryGetValue(effort, out var budget) && request.Model.StartsWith("gemini-2.5", StringComparison.Ordinal))
        {
            thinking["thinkingBudget"] = budget;
        }
        return thinking;
    }

    private static JsonArray Tools(JsonObject source)
    {
        var functions = (source["tools"] as JsonArray ?? []).OfType<JsonObject>()
            .Where(t => JsonWire.String(t["type"]) is null or "function")
            .Select(t => t["function"] as JsonObject)
            .Concat((source["functions"] as JsonArray ?? []).OfType<JsonObject>());
        var declarations = new JsonArray();
        foreach (var function in functions.OfType<JsonObject>())
        {
            var declaration = new JsonObject { ["name"] = JsonWire.String(function["name"]) ?? "" };
            if (JsonWire.String(function["description"]) is { } description)
            {
                declaration["description"] = description;
            }
            // An object schema without properties is refused ("properties: should be non-empty for OBJECT type").
            if (function["parameters"] is JsonObject parameters && parameters["properties"] is JsonObject { Count: > 0 })
            {
                declaration["parameters"] = Schema(parameters);
            }
            declarations.Add(declaration);
        }
        return declarations;
    }

    private static JsonObject? ToolConfig(JsonNode? choice)
    {
        var (mode, name) = choice switch
        {
            JsonObject named => ("ANY", JsonWire.String((named["function"] as JsonObject)?["name"])),
            _ => (JsonWire.String(choice) switch { "none" => "NONE", "required" => "ANY", "auto" => "AUTO", _ => null }, null),
        };
        if (mode is null)
        {
            return null;
        }
        var config = new JsonObject { ["mode"] = mode };
        if (name is not null)
        {
            config["allowedFunctionNames"] = new JsonArray(name);
        }
        return new JsonObject { ["functionCallingConfig"] = config };
    }

    private static JsonObject Schema(JsonObject schema)
    {
        var clean = new JsonObject();
        foreach (var (key, value) in schema)
        {
            if (!SchemaKeywords.Contains(key) || value is null)
            {
                continue;
            }
            clean[key] = (key, value) switch
            {
                ("properties", JsonObject properties) => new JsonObject(properties.Select(p =>
                    KeyValuePair.Create(p.Key, p.Value is JsonObject property ? (JsonNode?)Schema(property) : p.Value?.DeepClone()))),
                ("items", JsonObject items) => Schema(items),
                ("anyOf", JsonArray options) => new JsonArray(options.Select(o => o is JsonObject option ? (JsonNode?)Schema(option) : o?.DeepClone()).ToArray()),
                _ => value.DeepClone(),
            };
        }
        return clean;
    }
}
