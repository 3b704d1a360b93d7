using System.Text.Json;
using System.Text.Json.Nodes;

namespace OneApi.Relay.Abstractions;

/// <summary>
/// The request fields that the reservation is computed from. They are checked before anything is reserved: a negative
/// or fractional <c>max_tokens</c> would otherwise shrink the reservation below zero, and a value the gateway cannot
/// read would be billed as if absent while the upstream honours it.
/// </summary>
public static class BillingFields
{
    /// <summary>Above any model's output window; a larger value is a mistake or an attempt, not a request.</summary>
    public const long MaxOutputTokens = 1_000_000;

    /// <summary>OpenAI's documented ceiling for <c>n</c> on chat completions.</summary>
    public const int MaxChoices = 128;

    /// <summary>OpenAI's documented ceiling for <c>n</c> on image generation.</summary>
    public const int MaxImages = 10;

    private static readonly string[] OutputLimits = ["max_tokens", "max_completion_tokens", "max_output_tokens"];

    /// <summary>The first billing field of a body (its top-level <paramref name="field"/>s) that is not a whole number in its range, as a 400.</summary>
    public static RelayError? Validate(Func<string, JsonNode?> field, RelayMode mode)
    {
        switch (mode)
        {
            case RelayMode.ChatCompletions or RelayMode.Completions:
                foreach (var name in OutputLimits)
                {
                    if (CheckWhole(field, name, 1, MaxOutputTokens) is { } invalid)
                    {
                        return invalid;
                    }
                }
                return CheckWhole(field, "n", 1, MaxChoices) ?? CheckWhole(field, "best_of", 1, MaxChoices);
            case RelayMode.ImagesGenerations:
                return CheckWhole(field, "n", 1, MaxImages);
            case RelayMode.Rerank:
                // The query and documents are what an upstream that reports nothing is billed by.
                return OpenAI.RerankBody.Validate(field) ?? CheckWhole(field, "top_n", 1, int.MaxValue);
            default:
                return null;
        }
    }

    public static RelayError? Validate(JsonObject body, RelayMode mode) => Validate(name => body[name], mode);

    /// <summary>
    /// The same checks for an API that names the fields its own way (Gemini's <c>maxOutputTokens</c> and
    /// <c>candidateCount</c>), so the error names the field as the client wrote it.
    /// </summary>
    public static RelayError? Validate(JsonObject holder, string outputLimit, string choices) =>
        CheckWhole(name => holder[name], outputLimit, 1, MaxOutputTokens) ?? CheckWhole(name => holder[name], choices, 1, MaxChoices);

    /// <summary>How many answers the upstream will write: <c>n</c>, or <c>best_of</c> when larger (each is generated and paid for).</summary>
    public static int Choices(Func<string, JsonNode?> field) =>
        (int)Math.Max(WholeOrNull(field("n")) ?? 1, WholeOrNull(field("best_of")) ?? 1);

    public static int Choices(JsonObject body) => Choices(name => body[name]);

    /// <summary>The client's cap on output tokens per answer, when it set one.</summary>
    public static long? OutputLimit(Func<string, JsonNode?> field)
    {
        foreach (var name in OutputLimits)
        {
            if (WholeOrNull(field(name)) is { } limit)
            {
                return limit;
            }
        }
        return null;
    }

    public static long? OutputLimit(JsonObject body) => OutputLimit(name => body[name]);

    private static RelayError? CheckWhole(Func<string, JsonNode?> field, string name, long min, long max)
    {
        if (field(name) is not { } node)
        {
            return null; // absent and null both mean "the default"
        }
        if (WholeOrNull(node) is not { } value)
        {
            return RelayError.InvalidRequest($"{name} must be a whole number", "invalid_" + name) with { Param = name };
        }
        return value < min || value > max
            ? RelayError.InvalidRequest($"{name} must be between {min} and {max}", "invalid_" + name) with { Param = name }
            : null;
    }

    // A body the gateway built holds CLR numbers, a client's holds JSON text: both are read, and only whole values pass.
    private static long? WholeOrNull(JsonNode? node)
    {
        if (node is not JsonValue value || value.GetValueKind() != JsonValueKind.Number)
        {
            return null;
        }
        if (value.TryGetValue(out long whole))
        {
            return whole;
        }
        if (value.TryGetValue(out int small))
        {
            return small;
        }
        return value.TryGetValue(out double number) && Math.Abs(number) < long.MaxValue && number == Math.Floor(number) ? (long)number : null;
    }
}
