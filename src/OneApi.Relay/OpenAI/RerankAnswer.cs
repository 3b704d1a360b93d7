using System.Text.Json.Nodes;
using OneApi.Relay.Abstractions;

namespace OneApi.Relay.OpenAI;

/// <summary>
/// Reads a rerank answer in the common shape (<c>{id?, results: [{index, relevance_score, document?}], meta?, usage?}</c>)
/// and the units it is billed in. The units go in <see cref="Usage.PromptTokens"/> and are priced at the model's ratio:
/// Cohere's <c>meta.billed_units.search_units</c> first (its rerank models are priced per search), else the tokens
/// the provider counted (Jina's <c>usage.total_tokens</c>, others' <c>usage.prompt_tokens</c> or
/// <c>meta.tokens.input_tokens</c>). None of them: no usage, and the gateway counts the query and documents.
/// </summary>
public static class RerankAnswer
{
    public static UpstreamAnswer Inspect(byte[] body)
    {
        var answer = JsonWire.Parse(body);
        if (answer?["error"] is JsonObject)
        {
            return new UpstreamAnswer(body, null, "", OpenAIError.Parse(500, body));
        }
        return answer?["results"] is JsonArray
            ? new UpstreamAnswer(body, UsageOf(answer), "")
            : new UpstreamAnswer(body, null, "", RelayError.UpstreamMalformed("a rerank answer without results"));
    }

    /// <summary>The billed units the answer reports, or null when it reports none.</summary>
    public static Usage? UsageOf(JsonObject answer)
    {
        var meta = answer["meta"] as JsonObject;
        var usage = answer["usage"] as JsonObject;
        int?[] candidates =
        [
            JsonWire.Int((meta?["billed_units"] as JsonObject)?["search_units"]),
            JsonWire.Int(usage?["prompt_tokens"]),
            JsonWire.Int(usage?["total_tokens"]),
            JsonWire.Int((meta?["tokens"] as JsonObject)?["input_tokens"]),
        ];
        return candidates.FirstOrDefault(units => units > 0) is { } billed ? Usage.Of(billed, 0) : null;
    }
}
