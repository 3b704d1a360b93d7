using System.Text.Json.Nodes;
using OneApi.Relay.Abstractions;
using OneApi.Relay.OpenAI;

namespace OneApi.Relay.Adaptors.Replicate;

/// <summary>
/// A Replicate prediction (https://replicate.com/docs/reference/http#predictions.get): its status (<c>starting</c>,
/// <c>processing</c>, then <c>succeeded</c>, <c>failed</c> or <c>canceled</c>), the URLs to poll, stream or cancel it,
/// its output (a string or a list of strings: text pieces, or file URLs) and its metrics.
/// </summary>
public sealed record ReplicatePrediction(JsonObject Json)
{
    public string Id => JsonWire.String(Json["id"]) ?? "";

    public string Status => JsonWire.String(Json["status"]) ?? "";

    public bool HasEnded => Status is "succeeded" or "failed" or "canceled";

    public string? GetUrl => Url("get");

    public string? StreamUrl => Url("stream");

    public string? CancelUrl => Url("cancel");

    /// <summary>The output as a list: text pieces of a language model, file URLs of an image model.</summary>
    public IReadOnlyList<string> Output => Json["output"] switch
    {
        JsonArray items => items.Select(JsonWire.String).OfType<string>().ToArray(),
        var single when JsonWire.String(single) is { } one => [one],
        _ => [],
    };

    /// <summary>Tokens in and out, from <c>metrics.input_token_count</c> and <c>output_token_count</c> (language models report them).</summary>
    public Usage? Usage => Json["metrics"] is JsonObject metrics && JsonWire.Int(metrics["output_token_count"]) is { } output
        ? Usage.Of(JsonWire.Int(metrics["input_token_count"]) ?? 0, output)
        : null;

    /// <summary>The prediction's end as the client's error: null unless it failed or was canceled.</summary>
    public RelayError? Failure => Status switch
    {
        "failed" => ReplicateErrors.Failed(JsonWire.String(Json["error"])),
        "canceled" => ReplicateErrors.Canceled(),
        _ => null,
    };

    public static ReplicatePrediction? Parse(ReadOnlySpan<byte> body) =>
        JsonWire.Parse(body) is { } json && JsonWire.String(json["id"]) is not null ? new ReplicatePrediction(json) : null;

    private string? Url(string name) => JsonWire.String((Json["urls"] as JsonObject)?[name]) is { Length: > 0 } url ? url : null;
}

/// <summary>
/// Replicate's errors: HTTP refusals as problem details (<c>{"title", "detail", "status"}</c>, or only <c>detail</c>),
/// and predictions that ended badly, which one-api answered with 500.
/// </summary>
public static class ReplicateErrors
{
    public const string Type = "replicate_error";

    public static RelayError Read(int statusCode, ReadOnlySpan<byte> body)
    {
        var problem = JsonWire.Parse(body);
        var message = JsonWire.String(problem?["detail"]) ?? JsonWire.String(problem?["title"]) ?? $"Replicate answered {statusCode}";
        return new RelayError(RelayErrorKind.UpstreamStatus, statusCode, message, Type, "replicate_" + statusCode);
    }

    public static RelayError Failed(string? reason) =>
        new(RelayErrorKind.UpstreamStatus, 500, "the prediction failed: " + (reason ?? "no reason given"), Type, "prediction_failed");

    public static RelayError Canceled() => new(RelayErrorKind.UpstreamStatus, 500, "the prediction was canceled", Type, "prediction_canceled");

    public static RelayError TimedOut(TimeSpan waited) => RelayError.UpstreamTimeout() with
    {
        Message = $"the prediction did not finish within {waited.TotalSeconds:0} s; it was canceled",
    };

    public static RelayError NoStream() =>
        RelayError.InvalidRequest("this Replicate model does not stream its output; ask without stream", "stream_not_supported");
}
