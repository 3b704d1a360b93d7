using System.Text.Json.Nodes;
using OneApi.Relay.Abstractions;

namespace OneApi.Relay.OpenAI;

/// <summary>
/// The rerank request every provider's form is made from, Cohere's and Jina's common shape:
/// <c>{model, query, documents, top_n, return_documents}</c>, each document a string or a <c>{text}</c> object
/// (https://docs.cohere.com/v1/reference/rerank, https://jina.ai/reranker).
/// </summary>
public static class RerankBody
{
    /// <summary>The 400 for a body without a query or documents to rank, else null. The model is checked with every mode's.</summary>
    public static RelayError? Validate(Func<string, JsonNode?> field)
    {
        if (JsonWire.String(field("query")) is not { Length: > 0 } query || string.IsNullOrWhiteSpace(query))
        {
            return RelayError.InvalidRequest("query is required", "missing_query") with { Param = "query" };
        }
        if (field("documents") is not JsonArray { Count: > 0 } documents || documents.Any(d => TextOf(d) is null))
        {
            return RelayError.InvalidRequest("documents must be a non-empty list of strings or {\"text\": …} objects", "invalid_documents")
                with { Param = "documents" };
        }
        return JsonWire.Bool(field("stream")) == true
            ? RelayError.InvalidRequest("rerank answers do not stream", "invalid_stream") with { Param = "stream" }
            : null;
    }

    public static string Query(JsonObject body) => JsonWire.String(body["query"]) ?? "";

    /// <summary>The documents' texts, in the client's order (results refer to them by index).</summary>
    public static IReadOnlyList<string> Documents(JsonObject body) =>
        body["documents"] is JsonArray documents ? documents.Select(d => TextOf(d) ?? "").ToArray() : [];

    public static bool ReturnDocuments(JsonObject body) => JsonWire.Bool(body["return_documents"]) == true;

    private static string? TextOf(JsonNode? document) =>
        JsonWire.String(document) ?? (document is JsonObject named ? JsonWire.String(named["text"]) : null);
}
