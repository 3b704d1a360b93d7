using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Json.Schema;

namespace OneApi.Relay.Tests.Conformance;

/// <summary>Validates JSON against the schemas of OpenAI's published OpenAPI document (trimmed in Fixtures/openai).</summary>
public static class OpenAISchema
{
    private static readonly SchemaDocument Document = new("openai/openapi-schemas.json");

    /// <summary>Fails with the validator's errors when <paramref name="json"/> is not a valid <paramref name="schemaName"/>.</summary>
    public static void AssertValid(string schemaName, JsonNode? json) => Document.AssertValid(schemaName, json);
}

/// <summary>Validates JSON against Google's documented Gemini response shapes (written as JSON Schema in Fixtures/gemini).</summary>
public static class GoogleSchema
{
    private static readonly SchemaDocument Document = new("gemini/generate-content-response.schema.json");

    public static void AssertValid(string schemaName, JsonNode? json) => Document.AssertValid(schemaName, json);
}

/// <summary>A fixture of named schemas under <c>$defs</c>, each compiled once.</summary>
public sealed class SchemaDocument(string fixture)
{
    private readonly JsonObject _document = JsonNode.Parse(Fixture.Bytes(fixture))!.AsObject();
    private readonly ConcurrentDictionary<string, JsonSchema> _schemas = new();

    public void AssertValid(string schemaName, JsonNode? json)
    {
        var schema = _schemas.GetOrAdd(schemaName, name =>
        {
            var root = (JsonObject)_document.DeepClone();
            root["$schema"] = "https://json-schema.org/draft/2020-12/schema";
            root["$id"] = $"https://oneapi.test/{fixture}/{name}";
            root["$ref"] = "#/$defs/" + name;
            return JsonSchema.FromText(root.ToJsonString());
        });
        var result = schema.Evaluate(json, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (!result.IsValid)
        {
            var errors = result.Details.Where(d => d.Errors is not null)
                .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation} ({d.EvaluationPath}): {e.Value}"));
            Assert.Fail($"not a valid {schemaName}:\n{string.Join('\n', errors.Take(15))}\n{json?.ToJsonString()}");
        }
    }
}
