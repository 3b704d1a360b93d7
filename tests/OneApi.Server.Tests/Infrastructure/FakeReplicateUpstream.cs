using System.IO.Compression;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace OneApi.Server.Tests.Infrastructure;

/// <summary>
/// Replicate's predictions API on loopback (https://replicate.com/docs/reference/http). Creating a prediction of an
/// official model checks the key (<c>sk-upstream-{caseId}</c>) and the input, and answers 201 with a prediction still
/// <c>starting</c>, whose <c>urls</c> point back here: <c>get</c> to poll it, <c>stream</c> for its SSE, <c>cancel</c>.
/// The scenario decides how it ends: <c>ok</c> succeeds (text pieces with token metrics, or a picture's URL here),
/// <c>failed</c> and <c>canceled</c> end so, <c>slow</c> never ends, <c>stream-error</c> breaks its stream,
/// <c>refuse</c> answers the create with 422, <c>unavailable</c> with 503, <c>malformed</c> with a 201 that is no prediction. FLUX Fill edits must carry the black-and-white mask of <see cref="OpenAIMask"/>.
/// </summary>
public sealed class FakeReplicateUpstream : FakeUpstreamHost
{
    public const int InputTokens = 14;
    public const int OutputTokens = 7;
    public const string Failure = "NSFW content detected. Try running it again, or try a different prompt.";
    public static readonly string[] Pieces = ["Hello", " from", " Replicate!"];

    /// <summary>A 2×2 RGBA PNG as OpenAI's edits take masks: the top row transparent (to repaint), the bottom opaque.</summary>
    public const string OpenAIMask = "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAYAAABytg0kAAAAEklEQVR4nGNggIH/QMDJyfkfABtIBRdqXYpfAAAAAElFTkSuQmCC";

    /// <summary>The picture a prediction makes, served at its output URL.</summary>
    public static readonly byte[] Picture = Convert.FromBase64String(FakeVertexUpstream.ImageBase64);

    public static Task<FakeReplicateUpstream> StartAsync() => StartAsync(new FakeReplicateUpstream());

    protected override async Task HandleAsync(HttpContext context, string caseId, string scenario, UpstreamCall call)
    {
        var root = BaseUrl(caseId, scenario);
        if (call.Path == "/files/out-0.png")
        {
            context.Response.ContentType = "image/png";
            await context.Response.Body.WriteAsync(Picture);
            return;
        }
        if (call.Header("Authorization") != "Bearer sk-upstream-" + caseId)
        {
            await WriteJsonAsync(context.Response, 401, """{"title":"Unauthenticated","detail":"You did not pass a valid authentication token","status":401}""");
            return;
        }
        var segments = call.Path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        switch (segments)
        {
            case ["v1", "models", var owner, var name, "predictions"]:
                await CreateAsync(context, scenario, root, $"{owner}/{name}", call);
                break;
            case ["v1", "predictions", var id]:
                await WriteJsonAsync(context.Response, 200, Prediction(root, id, Ending(scenario), Output(root, id)).ToJsonString());
                break;
            case ["v1", "predictions", var id, "cancel"]:
                await WriteJsonAsync(context.Response, 200, Prediction(root, id, "canceled", null).ToJsonString());
                break;
            case ["stream", _] when call.Header("Accept") == "text/event-stream":
                await WriteSseAsync(context.Response, scenario == "stream-error"
                    ? [("output", Pieces[0]), ("error", """{"detail":"CUDA out of memory"}"""), ("done", """{"reason":"error"}""")]
                    : [.. Pieces.Select(p => ((string?)"output", p)), ("done", "{}")]);
                break;
            default:
                await WriteJsonAsync(context.Response, 404, """{"title":"Not found","detail":"The requested resource could not be found.","status":404}""");
                break;
        }
    }

    private static async Task CreateAsync(HttpContext context, string scenario, string root, string model, UpstreamCall call)
    {
        if (scenario == "unavailable")
        {
            await WriteJsonAsync(context.Response, 503, """{"title":"Service Unavailable","detail":"Replicate is temporarily unavailable","status":503}""");
            return;
        }
        if (scenario == "malformed")
        {
            await WriteJsonAsync(context.Response, 201, "<html>Bad gateway</html>");
            return;
        }
        var input = call.Json["input"] as JsonObject;
        var invalid = scenario == "refuse" ? "- input.prompt: Invalid type. Expected: string, given: null"
            : input?["prompt"] is not JsonValue ? "input.prompt is required"
            : model.StartsWith("black-forest-labs/", StringComparison.Ordinal) ? InvalidImageInput(model, input) : null;
        if (invalid is not null)
        {
            await WriteJsonAsync(context.Response, 422, new JsonObject { ["title"] = "Input validation failed", ["detail"] = invalid, ["status"] = 422 }.ToJsonString());
            return;
        }
        var id = (model.StartsWith("black-forest-labs/", StringComparison.Ordinal) ? "image-" : "chat-") + Guid.NewGuid().ToString("N")[..8];
        await WriteJsonAsync(context.Response, 201, Prediction(root, id, "starting", null).ToJsonString());
    }

    private static string? InvalidImageInput(string model, JsonObject input)
    {
        if ((string?)input["output_format"] != "png")
        {
            return "input.output_format must be png here";
        }
        if (!model.Contains("-fill-", StringComparison.Ordinal))
        {
            return null;
        }
        if (input["image"] is not JsonValue image || !((string)image!).StartsWith("data:image/png;base64,", StringComparison.Ordinal))
        {
            return "input.image must be a file";
        }
        return input["mask"] is JsonValue mask && MaskRows((string)mask!) is [0, 255, 255, 0, 0, 0] ? null : "input.mask must be white on the top row, black below";
    }

    /// <summary>The filtered rows of a greyscale mask PNG (one IDAT, as the gateway writes it).</summary>
    private static byte[] MaskRows(string dataUrl)
    {
        var png = Convert.FromBase64String(dataUrl["data:image/png;base64,".Length..]);
        var at = png.AsSpan().IndexOf("IDAT"u8);
        var length = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(at - 4));
        using var pixels = new MemoryStream();
        new ZLibStream(new MemoryStream(png, at + 4, length), CompressionMode.Decompress).CopyTo(pixels);
        return pixels.ToArray();
    }

    private static string Ending(string scenario) => scenario switch
    {
        "failed" => "failed",
        "canceled" => "canceled",
        "slow" => "processing",
        _ => "succeeded",
    };

    private static JsonNode Output(string root, string id) => id.StartsWith("image-", StringComparison.Ordinal)
        ? new JsonArray($"{root}/files/out-0.png")
        : new JsonArray([.. Pieces.Select(p => (JsonNode?)p)]);

    private static JsonObject Prediction(string root, string id, string status, JsonNode? output) => new()
    {
        ["id"] = id,
        ["status"] = status,
        ["output"] = status == "succeeded" ? output : null,
        ["error"] = status == "failed" ? Failure : null,
        ["urls"] = new JsonObject
        {
            ["get"] = $"{root}/v1/predictions/{id}", ["cancel"] = $"{root}/v1/predictions/{id}/cancel", ["stream"] = $"{root}/stream/{id}",
        },
        ["metrics"] = status == "succeeded" && id.StartsWith("chat-", StringComparison.Ordinal)
            ? new JsonObject { ["input_token_count"] = InputTokens, ["output_token_count"] = OutputTokens, ["predict_time"] = 0.4 }
            : new JsonObject { ["predict_time"] = 0.4 },
    };
}
