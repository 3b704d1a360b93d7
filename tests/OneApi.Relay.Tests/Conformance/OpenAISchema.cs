using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Json.Schema;

namespace OneApi.Relay.Tests.Conformance;

/// <summary>Validates JSON against the schemas of OpenAI's published OpenAPI document (trimmed in Fixtures/openai).</summary>
public static class OpenAISchema
{
    private static readonly JsonObject Document = JsonNode.Parse(Fixture.Bytes("openai/openapi-schemas.json"))!.AsObject();
    private static readonly ConcurrentDictionary<string, JsonSchema> Schemas = new();

    /// <summary>Fails with the validator's errors when <paramref name="json"/> is not a valid <paramref name="schemaName"/>.</summary>
    public static void AssertValid(string schemaName, JsonNode? json)
    {
        var schema = Schemas.GetOrAdd(schemaName, name =>
        {
            var root = (JsonObject)Document.DeepClone();
            root["$schema"] = "https://json-schema.org/draft/2020-12/schema";
            root["$id"] = "https://oneapi.test/openai/" + name;
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
