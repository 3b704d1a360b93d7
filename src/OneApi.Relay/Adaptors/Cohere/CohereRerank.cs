using System.Text.Json.Nodes;
using OneApi.Relay.Abstractions;
using OneApi.Relay.OpenAI;

namespace OneApi.Relay.Adaptors.Cohere;

/// <summary>
/// The common rerank request ↔ Cohere's v2 rerank (https://docs.cohere.com/reference/rerank), which one-api calls too.
/// v2 takes documents as plain strings and no longer returns them, so <c>return_documents</c> is answered by the
/// gateway from the request. Billed per search: <c>meta.billed_units.search_units</c>.
/// </summary>
public static class CohereRerank
{
    /// <summary>Cohere's unit: one query with up to 100 documents (https://docs.cohere.com/docs/rerank-overview).</summary>
    private const int DocumentsPerSearch = 100;

    private static readonly string[] PassedOn = ["top_n", "max_tokens_per_doc"];

    public static JsonObject ToCohere(RelayRequest request)
    {
        var body = new JsonObject
        {
            ["model"] = request.Model,
            ["query"] = RerankBody.Query(request.Body),
            ["documents"] = new JsonArray([.. RerankBody.Documents(request.Body).Select(d => (JsonNode)d)]),
        };
        foreach (var name in PassedOn)
        {
            if (request.Body[name] is { } value)
            {
                body[name] = value.DeepClone();
            }
        }
        return body;
    }

    /// <summary>Cohere's answer in the common shape; a body without results is the upstream's error.</summary>
    public static UpstreamAnswer FromCohere(byte[] body, RelayRequest request)
    {
        if (JsonWire.Parse(body) is not { } answer || answer["results"] is not JsonArray results)
        {
            return new UpstreamAnswer(body, null, "", RelayError.UpstreamMalformed("a rerank answer without results"));
        }
        var documents = RerankBody.ReturnDocuments(request.Body) ? RerankBody.Documents(request.Body) : null;
        var converted = new JsonArray();
        foreach (var result in results.OfType<JsonObject>())
        {
            var index = JsonWire.Int(result["index"]) ?? -1;
            var item = new JsonObject { ["index"] = index, ["relevance_score"] = result["relevance_score"]?.DeepClone() };
            if (result["document"] is JsonObject returned)
            {
                item["document"] = returned.DeepClone();
            }
            else if (documents is not null && index >= 0 && index < documents.Count)
            {
                item["document"] = new JsonObject { ["text"] = documents[index] };
            }
            converted.Add(item);
        }
        var usage = RerankAnswer.UsageOf(answer) ?? Usage.Of(SearchUnits(request.Body), 0);
        var common = new JsonObject { ["id"] = answer["id"]?.DeepClone(), ["results"] = converted, ["meta"] = answer["meta"]?.DeepClone() };
        return new UpstreamAnswer(JsonWire.Serialize(common), usage, "");
    }

    /// <summary>The searches a request makes by Cohere's count, for the reservation and for an answer that reports none.</summary>
    public static int SearchUnits(JsonObject body) =>
        Math.Max(1, (RerankBody.Documents(body).Count + DocumentsPerSearch - 1) / DocumentsPerSearch);
}
