using System.Text.Json;
using System.Text.Json.Nodes;
using OneApi.Relay.Abstractions;
using OneApi.Relay.Images;
using OneApi.Relay.OpenAI;

namespace OneApi.Relay.Adaptors.Anthropic;

/// <summary>
/// OpenAI chat request → Anthropic Messages request (https://docs.anthropic.com/en/api/messages). Shared by every
/// host of Claude: Anthropic itself, AWS Bedrock and Vertex AI, which then adjust the envelope.
/// </summary>
public static class ToAnthropicRequest
{
    /// <summary>Anthropic requires <c>max_tokens</c>; one-api sends 4096 when the client gave none.</summary>
    public const int DefaultMaxTokens = 4096;

    /// <summary>Anthropic's minimum thinking budget; also one-api's budget for <c>?thinking</c>.</summary>
    public const int ThinkingBudget = 1024;

    /// <summary>
    /// Converts the request. Image URLs become URL sources here; <see cref="InlineImagesAsync"/> replaces them with
    /// their bytes. Throws <see cref="RelayErrorException"/> for a request Claude would refuse (thinking with
    /// <c>max_tokens</c> ≤ 1024).
    /// </summary>
    public static JsonObject Convert(RelayRequest request)
    {
        var source = request.Body;
        var body = new JsonObject { ["model"] = request.Model };
        var (system, messages) = ConvertMessages(source["messages"] as JsonArray);
        if (system is not null)
        {
            body["system"] = system;
        }
        body["messages"] = messages;
        body["max_tokens"] = request.MaxTokens is > 0 and var max ? max : DefaultMaxTokens;
        CopyNumber(source, body, "temperature");
        CopyNumber(source, body, "top_p");
        CopyNumber(source, body, "top_k");
        switch (source["stop"])
        {
            case JsonValue stop when JsonWire.String(stop) is { Length: > 0 } sequence:
                body["stop_sequences"] = new JsonArray(sequence);
                break;
            case JsonArray stops:
                body["stop_sequences"] = new JsonArray(stops.Select(s => (JsonNode?)JsonWire.String(s)).Where(s => s is not null).ToArray());
                break;
        }
        if (request.IsStream)
        {
            body["stream"] = true;
        }
        if (ConvertTools(source["tools"] as JsonArray) is { Count: > 0 } tools)
        {
            body["tools"] = tools;
            if (ConvertToolChoice(source["tool_choice"], JsonWire.Bool(source["parallel_tool_calls"])) is { } choice)
            {
                body["tool_choice"] = choice;
            }
        }
        if (JsonWire.String(source["user"]) is { Length: > 0 } user)
        {
            body["metadata"] = new JsonObject { ["user_id"] = user };
        }
        ApplyThinking(request, body);
        return body;
    }

    /// <summary>Converts, then inlines every image URL (one-api's behaviour; Bedrock and Vertex take only bytes).</summary>
    public static async Task<JsonObject> ConvertAsync(RelayRequest request, UserImageFetcher? images, CancellationToken cancellationToken)
    {
        var body = Convert(request);
        if (images is not null)
        {
            await InlineImagesAsync(body, images, cancellationToken).ConfigureAwait(false);
        }
        return body;
    }

    /// <summary>
    /// Replaces <c>{"type":"url"}</c> image sources with the fetched bytes, within the fetcher's limits (inline images
    /// count too). An image that cannot be fetched keeps its URL, so Anthropic may still fetch it (another host answers
    /// with its own error); a refused address or a passed limit throws <see cref="RelayErrorException"/>.
    /// </summary>
    public static async Task InlineImagesAsync(JsonObject messagesBody, UserImageFetcher images, CancellationToken cancellationToken)
    {
        if (messagesBody["messages"] is not JsonArray messages)
        {
            return;
        }
        var imageSources = messages.OfType<JsonObject>()
            .SelectMany(m => m["content"] as JsonArray ?? [])
            .OfType<JsonObject>()
            .Where(b => JsonWire.String(b["type"]) == "image" && b["source"] is JsonObject)
            .Select(b => (JsonObject)b["source"]!)
            .ToList();
        var sources = imageSources.Where(s => JsonWire.String(s["type"]) == "url").ToList();
        var inline = imageSources.Where(s => JsonWire.String(s["type"]) == "base64").Select(s => JsonWire.String(s["data"]) ?? "").ToList();
        var fetched = await images.FetchAllAsync(sources.Select(s => JsonWire.String(s["url"]) ?? "").ToList(), inline, cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < sources.Count; i++)
        {
            if (fetched[i] is { } image)
            {
                sources[i].Remove("url");
                sources[i]["type"] = "base64";
                sources[i]["media_type"] = image.MediaType;
                sources[i]["data"] = image.Base64Data;
            }
        }
    }

    /// <summary>
    /// <c>anthropic-beta</c> values a request needs: 128K output for Claude 3.7 Sonnet above its 64K default,
    /// interleaved thinking for Claude 4 models thinking between tool calls.
    /// </summary>
    public static IReadOnlyList<string> BetaHeaders(JsonObject messagesBody, IEnumerable<string>? clientBetas = null)
    {
        var betas = new List<string>(clientBetas ?? []);
        var model = JsonWire.String(messagesBody["model"]) ?? "";
        if (model.Contains("claude-3-7-sonnet", StringComparison.Ordinal) && JsonWire.Int(messagesBody["max_tokens"]) > 64_000)
        {
            betas.Add("output-128k-2025-02-19");
        }
        if (AnthropicModels.IsClaude4(model) && messagesBody["thinking"] is JsonObject && messagesBody["tools"] is JsonArray)
        {
            betas.Add("interleaved-thinking-2025-05-14");
        }
        return betas.Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// one-api's thinking rules (contract §8): the body's <c>thinking</c> is kept; <c>?thinking</c> turns it on for a model
    /// that can think with a 1024-token budget; with thinking on <c>max_tokens</c> must exceed 1024 and <c>top_p</c> is
    /// cleared. Temperature and top_k are cleared too, because Claude refuses them while thinking.
    /// </summary>
    private static void ApplyThinking(RelayRequest request, JsonObject body)
    {
        if (request.Body["thinking"] is JsonObject requested)
        {
            body["thinking"] = requested.DeepClone();
        }
        else if (request.Query.ContainsKey("thinking") && AnthropicModels.CanThink(request.Model))
        {
            body["thinking"] = new JsonObject { ["type"] = "enabled", ["budget_tokens"] = ThinkingBudget };
        }
        if (body["thinking"] is not JsonObject thinking || JsonWire.String(thinking["type"]) != "enabled")
        {
            return;
        }
        if (JsonWire.Int(body["max_tokens"]) is not > ThinkingBudget)
        {
            throw new RelayErrorException(RelayError.InvalidRequest("max_tokens must be greater than 1024 when using extended thinking", "invalid_max_tokens"));
        }
        if (JsonWire.Int(thinking["budget_tokens"]) is null)
        {
            thinking["budget_tokens"] = ThinkingBudget;
        }
        body.Remove("top_p");
        body.Remove("temperature");
        body.Remove("top_k");
    }

    private static (JsonNode? System, JsonArray Messages) ConvertMessages(JsonArray? source)
    {
        var system = new List<string>();
        var messages = new JsonArray();
        foreach (var message in source?.OfType<JsonObject>() ?? [])
        {
            switch (JsonWire.String(message["role"]))
            {
                case "system" or "developer":
                    if (TextOf(message["content"]) is { Length: > 0 } text)
                    {
                        system.Add(text);
                    }
                    break;
                case "assistant":
                    Append(messages, "assistant", AssistantBlocks(message));
                    break;
                case "tool":
                    Append(messages, "user", [ToolResult(JsonWire.String(message["tool_call_id"]) ?? "", message["content"])]);
                    break;
                case "function":
                    Append(messages, "user", [ToolResult(JsonWire.String(message["name"]) ?? "", message["content"])]);
                    break;
                default:
                    Append(messages, "user", ContentBlocks(message["content"]));
                    break;
            }
        }
        return (system.Count > 0 ? string.Join("\n", system) : null, messages);
    }

    /// <summary>Claude wants user and assistant turns to alternate: consecutive turns of one role become one.</summary>
    private static void Append(JsonArray messages, string role, List<JsonNode> blocks)
    {
        if (blocks.Count == 0)
        {
            return;
        }
        if (messages.Count > 0 && messages[^1] is JsonObject last && JsonWire.String(last["role"]) == role && last["content"] is JsonArray content)
        {
            foreach (var block in blocks)
            {
                content.Add(block);
            }
            return;
        }
        messages.Add(new JsonObject { ["role"] = role, ["content"] = new JsonArray(blocks.ToArray()) });
    }

    private static List<JsonNode> AssistantBlocks(JsonObject message)
    {
        var blocks = new List<JsonNode>();
        // Thinking blocks with their signatures, as LiteLLM's "thinking_blocks" carries them back: Claude needs them
        // replayed when a thinking turn called tools.
        foreach (var thinking in (message["thinking_blocks"] as JsonArray)?.OfType<JsonObject>() ?? [])
        {
            if (JsonWire.String(thinking["type"]) is "thinking" or "redacted_thinking")
            {
                blocks.Add(thinking.DeepClone());
            }
        }
        blocks.AddRange(ContentBlocks(message["content"]));
        foreach (var call in (message["tool_calls"] as JsonArray)?.OfType<JsonObject>() ?? [])
        {
            var function = call["function"] as JsonObject;
            blocks.Add(new JsonObject
            {
                ["type"] = "tool_use",
                ["id"] = JsonWire.String(call["id"]) ?? "",
                ["name"] = JsonWire.String(function?["name"]) ?? "",
                ["input"] = ParseArguments(JsonWire.String(function?["arguments"])),
            });
        }
        return blocks;
    }

    /// <summary>Tool arguments are a JSON string in OpenAI's API and an object in Claude's; unparseable ones become <c>{}</c>.</summary>
    private static JsonNode ParseArguments(string? arguments)
    {
        if (string.IsNullOrWhiteSpace(arguments))
        {
            return new JsonObject();
        }
        try
        {
            return JsonNode.Parse(arguments) as JsonObject ?? new JsonObject();
        }
        catch (JsonException)
        {
            return new JsonObject();
        }
    }

    private static JsonObject ToolResult(string toolUseId, JsonNode? content)
    {
        var result = new JsonObject { ["type"] = "tool_result", ["tool_use_id"] = toolUseId };
        if (content is JsonArray)
        {
            result["content"] = new JsonArray(ContentBlocks(content).ToArray());
        }
        else
        {
            result["content"] = TextOf(content) ?? "";
        }
        return result;
    }

    private static List<JsonNode> ContentBlocks(JsonNode? content)
    {
        var blocks = new List<JsonNode>();
        if (JsonWire.String(content) is { } text)
        {
            // Claude refuses empty text blocks.
            if (text.Length > 0)
            {
                blocks.Add(new JsonObject { ["type"] = "text", ["text"] = text });
            }
            return blocks;
        }
        foreach (var part in (content as JsonArray)?.OfType<JsonObject>() ?? [])
        {
            switch (JsonWire.String(part["type"]))
            {
                case "text" when JsonWire.String(part["text"]) is { Length: > 0 } partText:
                    var block = new JsonObject { ["type"] = "text", ["text"] = partText };
                    if (part["cache_control"] is JsonObject cache)
                    {
                        block["cache_control"] = cache.DeepClone();
                    }
                    blocks.Add(block);
                    break;
                case "image_url":
                    var url = JsonWire.String(part["image_url"]) ?? JsonWire.String((part["image_url"] as JsonObject)?["url"]);
                    if (url is not null)
                    {
                        blocks.Add(ImageBlock(url));
                    }
                    break;
            }
        }
        return blocks;
    }

    private static JsonObject ImageBlock(string url) => new()
    {
        ["type"] = "image",
        ["source"] = UserImageFetcher.TryParseDataUrl(url, out var image)
            ? new JsonObject { ["type"] = "base64", ["media_type"] = image.MediaType, ["data"] = image.Base64Data }
            : new JsonObject { ["type"] = "url", ["url"] = url },
    };

    private static string? TextOf(JsonNode? content) => content switch
    {
        JsonValue => JsonWire.String(content),
        JsonArray parts => string.Join("\n", parts.OfType<JsonObject>()
            .Where(p => JsonWire.String(p["type"]) == "text")
            .Select(p => JsonWire.String(p["text"]))
            .Where(t => t is not null)),
        _ => null,
    };

    private static JsonArray ConvertTools(JsonArray? tools)
    {
        var converted = new JsonArray();
        foreach (var tool in tools?.OfType<JsonObject>() ?? [])
        {
            if (tool["function"] is not JsonObject function || JsonWire.String(function["name"]) is not { } name)
            {
                continue;
            }
            var claudeTool = new JsonObject { ["name"] = name };
            if (JsonWire.String(function["description"]) is { } description)
            {
                claudeTool["description"] = description;
            }
            claudeTool["input_schema"] = function["parameters"] is JsonObject parameters
                ? parameters.DeepClone()
                : new JsonObject { ["type"] = "object", ["properties"] = new JsonObject() };
            converted.Add(claudeTool);
        }
        return converted;
    }

    private static JsonObject? ConvertToolChoice(JsonNode? choice, bool? parallelToolCalls)
    {
        JsonObject? converted = JsonWire.String(choice) switch
        {
            "auto" => new JsonObject { ["type"] = "auto" },
            "required" => new JsonObject { ["type"] = "any" },
            "none" => new JsonObject { ["type"] = "none" },
            _ => choice is JsonObject named && JsonWire.String((named["function"] as JsonObject)?["name"]) is { } name
                ? new JsonObject { ["type"] = "tool", ["name"] = name }
                : null,
        };
        if (parallelToolCalls == false)
        {
            converted ??= new JsonObject { ["type"] = "auto" };
            if (JsonWire.String(converted["type"]) != "none")
            {
                converted["disable_parallel_tool_use"] = true;
            }
        }
        return converted;
    }

    private static void CopyNumber(JsonObject from, JsonObject to, string name)
    {
        if (from[name] is JsonValue value && value.GetValueKind() == JsonValueKind.Number)
        {
            to[name] = value.DeepClone();
        }
    }
}
