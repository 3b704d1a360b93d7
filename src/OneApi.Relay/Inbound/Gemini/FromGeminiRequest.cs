using System.Text.Json.Nodes;
using OneApi.Relay.OpenAI;

namespace OneApi.Relay.Inbound.Gemini;

/// <summary>
/// Gemini's <c>generateContent</c> and embedding requests (https://ai.google.dev/api/generate-content,
/// https://ai.google.dev/api/embeddings) → the OpenAI chat and embedding requests the relay routes, prices and sends to
/// channels that do not speak Gemini. Google's JSON takes each field in camelCase or snake_case; both are read.
/// </summary>
public static class FromGeminiRequest
{
    /// <summary>The chat request; <paramref name="stream"/> comes from the method (<c>streamGenerateContent</c>).</summary>
    public static JsonObject Convert(JsonObject source, string model, bool stream)
    {
        var body = new JsonObject { ["model"] = model };
        var messages = new JsonArray();
        if (SystemText(source) is { Length: > 0 } system)
        {
            messages.Add(new JsonObject { ["role"] = "system", ["content"] = system });
        }
        var calls = new ToolCallIds();
        foreach (var content in (Field(source, "contents") as JsonArray)?.OfType<JsonObject>() ?? [])
        {
            foreach (var message in JsonWire.String(content["role"]) == "model" ? [Assistant(content, calls)] : User(content, calls))
            {
                messages.Add(message);
            }
        }
        body["messages"] = messages;
        if (Field(source, "generationConfig") is JsonObject config)
        {
            GenerationConfig(config, body);
        }
        if (stream)
        {
            body["stream"] = true;
            // Usage from OpenAI-compatible upstreams, for the last chunk's usageMetadata and for the bill.
            body["stream_options"] = new JsonObject { ["include_usage"] = true };
        }
        if (Tools(Field(source, "tools") as JsonArray) is { Count: > 0 } tools)
        {
            body["tools"] = tools;
            if ((Field(source, "toolConfig") as JsonObject) is { } toolConfig && ToolChoice(Field(toolConfig, "functionCallingConfig") as JsonObject) is { } choice)
            {
                body["tool_choice"] = choice;
            }
        }
        return body;
    }

    /// <summary>
    /// <c>embedContent</c> (one <c>content</c>) or <c>batchEmbedContents</c> (<c>requests</c>, each with one) → OpenAI's
    /// embedding request: one input per content, its parts' text joined.
    /// </summary>
    public static JsonObject Embeddings(JsonObject source, string model)
    {
        var requests = Field(source, "requests") is JsonArray batch ? batch.OfType<JsonObject>().ToList() : [source];
        var body = new JsonObject
        {
            ["model"] = model,
            ["input"] = new JsonArray(requests.Select(r => (JsonNode?)PartsText(Field(r, "content") as JsonObject)).ToArray()),
        };
        if (requests.Select(r => JsonWire.Int(Field(r, "outputDimensionality"))).FirstOrDefault(d => d is > 0) is { } dimensions)
        {
            body["dimensions"] = dimensions;
        }
        return body;
    }

    /// <summary>A field by its camelCase name, or by the snake_case spelling Google's JSON mapping also accepts.</summary>
    public static JsonNode? Field(JsonObject? holder, string camelName)
    {
        if (holder is null)
        {
            return null;
        }
        return holder[camelName] ?? holder[SnakeCase(camelName)];
    }

    private static string SnakeCase(string camelName) =>
        string.Concat(camelName.Select(c => char.IsAsciiLetterUpper(c) ? "_" + char.ToLowerInvariant(c) : c.ToString()));

    /// <summary>The system instruction's text parts, joined with newlines.</summary>
    public static string? SystemText(JsonObject source) =>
        Field(source, "systemInstruction") switch
        {
            JsonObject instruction => PartsText(instruction),
            JsonValue text => JsonWire.String(text),
            _ => null,
        };

    private static string PartsText(JsonObject? content) =>
        string.Join("\n", Parts(content).Select(p => JsonWire.String(p["text"])).Where(t => t is not null));

    private static IEnumerable<JsonObject> Parts(JsonObject? content) => (content?["parts"] as JsonArray)?.OfType<JsonObject>() ?? [];

    /// <summary>A user turn: its function responses become <c>tool</c> messages (first, as they answer the last calls), the rest one user message.</summary>
    private static List<JsonObject> User(JsonObject content, ToolCallIds calls)
    {
        var converted = new List<JsonObject>();
        var parts = new JsonArray();
        foreach (var part in Parts(content))
        {
            if (Field(part, "functionResponse") is JsonObject response)
            {
                var name = JsonWire.String(response["name"]) ?? "";
                converted.Add(new JsonObject
                {
                    ["role"] = "tool",
                    ["tool_call_id"] = calls.Answer(name, JsonWire.String(response["id"])),
                    ["content"] = (response["response"] ?? new JsonObject()).ToJsonString(),
                });
            }
            else if (JsonWire.String(part["text"]) is { } text)
            {
                parts.Add(new JsonObject { ["type"] = "text", ["text"] = text });
            }
            else if (Media(part) is { } media)
            {
                parts.Add(media);
            }
        }
        if (parts.Count > 0)
        {
            converted.Add(new JsonObject { ["role"] = "user", ["content"] = parts });
        }
        return converted;
    }

    /// <summary>Inline data and file URIs: images as <c>image_url</c>, audio as <c>input_audio</c>, other inline files as <c>file</c>; other file URIs are dropped.</summary>
    private static JsonObject? Media(JsonObject part)
    {
        if (Field(part, "inlineData") is JsonObject inline)
        {
            var mimeType = JsonWire.String(Field(inline, "mimeType")) ?? "application/octet-stream";
            var data = JsonWire.String(inline["data"]) ?? "";
            if (mimeType.StartsWith("audio/", StringComparison.Ordinal))
            {
                return new JsonObject { ["type"] = "input_audio", ["input_audio"] = new JsonObject { ["data"] = data, ["format"] = mimeType["audio/".Length..] } };
            }
            var url = $"data:{mimeType};base64,{data}";
            return mimeType.StartsWith("image/", StringComparison.Ordinal)
                ? ImageUrl(url)
                : new JsonObject { ["type"] = "file", ["file"] = new JsonObject { ["file_data"] = url } };
        }
        // A file URI other providers can fetch only as an image; other files (PDF, video) live in Google's storage.
        return Field(part, "fileData") is JsonObject file && JsonWire.String(Field(file, "fileUri")) is { } uri &&
            (JsonWire.String(Field(file, "mimeType")) ?? "image/").StartsWith("image/", StringComparison.Ordinal)
            ? ImageUrl(uri)
            : null;
    }

    private static JsonObject ImageUrl(string url) => new() { ["type"] = "image_url", ["image_url"] = new JsonObject { ["url"] = url } };

    /// <summary>A model turn: text, and function calls as tool calls. Thoughts are the model's own and are not sent back.</summary>
    private static JsonObject Assistant(JsonObject content, ToolCallIds calls)
    {
        var text = new List<string>();
        var toolCalls = new JsonArray();
        foreach (var part in Parts(content))
        {
            if (Field(part, "functionCall") is JsonObject call)
            {
                var name = JsonWire.String(call["name"]) ?? "";
                toolCalls.Add(new JsonObject
                {
                    ["id"] = calls.Call(name, JsonWire.String(call["id"])),
                    ["type"] = "function",
                    ["function"] = new JsonObject { ["name"] = name, ["arguments"] = (call["args"] ?? new JsonObject()).ToJsonString() },
                });
            }
            else if (JsonWire.Bool(part["thought"]) != true && JsonWire.String(part["text"]) is { } piece)
            {
                text.Add(piece);
            }
        }
        var message = new JsonObject { ["role"] = "assistant", ["content"] = string.Concat(text) };
        if (toolCalls.Count > 0)
        {
            message["tool_calls"] = toolCalls;
        }
        return message;
    }

    private static void GenerationConfig(JsonObject config, JsonObject body)
    {
        foreach (var (from, to) in (ReadOnlySpan<(string, string)>)[("temperature", "temperature"), ("topP", "top_p"), ("topK", "top_k"),
                     ("maxOutputTokens", "max_tokens"), ("candidateCount", "n"), ("presencePenalty", "presence_penalty"),
                     ("frequencyPenalty", "frequency_penalty"), ("seed", "seed")])
        {
            if (Field(config, from) is JsonValue value)
            {
                body[to] = value.DeepClone();
            }
        }
        if (Field(config, "stopSequences") is JsonArray stops)
        {
            body["stop"] = stops.DeepClone();
        }
        if (ResponseFormat(config) is { } format)
        {
            body["response_format"] = format;
        }
        if (ReasoningEffort(Field(config, "thinkingConfig") as JsonObject) is { } effort)
        {
            body["reasoning_effort"] = effort;
        }
    }

    /// <summary>JSON output: a schema (Gemini's OpenAPI subset, or plain JSON Schema) as <c>json_schema</c>, else <c>json_object</c>.</summary>
    private static JsonObject? ResponseFormat(JsonObject config)
    {
        var schema = Field(config, "responseJsonSchema") as JsonObject ??
            (Field(config, "responseSchema") is JsonObject openApi ? GeminiSchema.ToJsonSchema(openApi) : null);
        if (schema is not null)
        {
            return new JsonObject
            {
                ["type"] = "json_schema",
                ["json_schema"] = new JsonObject { ["name"] = "response", ["schema"] = schema },
            };
        }
        return JsonWire.String(Field(config, "responseMimeType")) == "application/json" ? new JsonObject { ["type"] = "json_object" } : null;
    }

    /// <summary>
    /// A thinking budget or level as OpenAI's reasoning effort (the budgets Gemini's OpenAI endpoint maps the efforts
    /// to: 1024, 8192, 24576). A budget of 0 (no thinking) and -1 (the model decides) ask for nothing.
    /// </summary>
    public static string? ReasoningEffort(JsonObject? thinking)
    {
        if (JsonWire.String(Field(thinking, "thinkingLevel")) is { } level)
        {
            return level.ToLowerInvariant();
        }
        return JsonWire.Int(Field(thinking, "thinkingBudget")) switch
        {
            null or <= 0 => null,
            <= 1024 => "low",
            <= 8192 => "medium",
            _ => "high",
        };
    }

    /// <summary>The thinking budget the client set, for channels that take a budget rather than an effort (Claude).</summary>
    public static int? ThinkingBudget(JsonObject source) =>
        JsonWire.Int(Field(Field(Field(source, "generationConfig") as JsonObject, "thinkingConfig") as JsonObject, "thinkingBudget")) is > 0 and var budget
            ? budget
            : null;

    /// <summary>Function declarations as function tools; Google's own tools (search, code execution) run only on Gemini.</summary>
    private static JsonArray Tools(JsonArray? tools)
    {
        var converted = new JsonArray();
        var declarations = tools?.OfType<JsonObject>().SelectMany(t => (Field(t, "functionDeclarations") as JsonArray)?.OfType<JsonObject>() ?? []) ?? [];
        foreach (var declaration in declarations)
        {
            var function = new JsonObject { ["name"] = JsonWire.String(declaration["name"]) ?? "" };
            if (JsonWire.String(declaration["description"]) is { } description)
            {
                function["description"] = description;
            }
            function["parameters"] = Field(declaration, "parametersJsonSchema")?.DeepClone() ??
                (declaration["parameters"] is JsonObject parameters ? GeminiSchema.ToJsonSchema(parameters) : new JsonObject { ["type"] = "object", ["properties"] = new JsonObject() });
            converted.Add(new JsonObject { ["type"] = "function", ["function"] = function });
        }
        return converted;
    }

    private static JsonNode? ToolChoice(JsonObject? config)
    {
        var allowed = (Field(config, "allowedFunctionNames") as JsonArray)?.Select(JsonWire.String).OfType<string>().ToList() ?? [];
        return JsonWire.String(config?["mode"]) switch
        {
            "ANY" when allowed.Count == 1 => new JsonObject { ["type"] = "function", ["function"] = new JsonObject { ["name"] = allowed[0] } },
            "ANY" => "required",
            "NONE" => "none",
            "AUTO" or "VALIDATED" => "auto",
            _ => null,
        };
    }

    /// <summary>
    /// Ids for Gemini's function calls, which older models leave out: each call gets its own or one made up, and each
    /// response takes its call's id, or that of the oldest unanswered call of its name.
    /// </summary>
    private sealed class ToolCallIds
    {
        private readonly Dictionary<string, Queue<string>> _unanswered = new(StringComparer.Ordinal);
        private int _count;

        public string Call(string name, string? id)
        {
            id ??= $"call_{++_count}_{name}";
            if (!_unanswered.TryGetValue(name, out var queue))
            {
                _unanswered[name] = queue = new Queue<string>();
            }
            queue.Enqueue(id);
            return id;
        }

        public string Answer(string name, string? id)
        {
            if (_unanswered.TryGetValue(name, out var queue) && queue.Count > 0)
            {
                var oldest = queue.Dequeue();
                return id ?? oldest;
            }
            return id ?? $"call_{++_count}_{name}";
        }
    }
}
