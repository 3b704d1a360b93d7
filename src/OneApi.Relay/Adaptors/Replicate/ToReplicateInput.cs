using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using OneApi.Relay.Abstractions;
using OneApi.Relay.Images;
using OneApi.Relay.OpenAI;

namespace OneApi.Relay.Adaptors.Replicate;

/// <summary>
/// OpenAI requests → a Replicate prediction's <c>{"input": {…}}</c>. Chat, as one-api builds it: the turns as a
/// <c>role: text</c> transcript in <c>prompt</c> (system turns go to <c>system_prompt</c> here), <c>max_tokens</c> 500
/// unless asked (https://replicate.com/meta/meta-llama-3-70b-instruct/api/schema). Images: the prompt, the size as the
/// nearest <c>aspect_ratio</c> FLUX takes, PNG output; edits add the picture and the mask as data URLs.
/// </summary>
public static class ToReplicateInput
{
    /// <summary>one-api's default when the client sets no limit.</summary>
    public const int DefaultMaxTokens = 500;

    private static readonly string[] AspectRatios = ["1:1", "16:9", "21:9", "3:2", "2:3", "4:5", "5:4", "3:4", "4:3", "9:16", "9:21"];

    private static readonly string[] Sampling = ["temperature", "top_p", "top_k", "presence_penalty", "frequency_penalty", "seed"];

    public static JsonObject Chat(RelayRequest request)
    {
        var transcript = new StringBuilder();
        var system = new List<string>();
        foreach (var message in (request.Body["messages"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var role = JsonWire.String(message["role"]) ?? "user";
            var text = OpenAIMessages.TextOf(message["content"]);
            if (role is "system" or "developer")
            {
                system.Add(text);
            }
            else
            {
                transcript.Append(role).Append(": ").Append(text).Append('\n');
            }
        }
        var input = new JsonObject { ["prompt"] = transcript.ToString(), ["max_tokens"] = request.MaxTokens ?? DefaultMaxTokens };
        if (system.Count > 0)
        {
            input["system_prompt"] = string.Join("\n", system);
        }
        foreach (var name in Sampling)
        {
            if (request.Body[name] is JsonValue value)
            {
                input[name] = value.DeepClone();
            }
        }
        if (request.Body["stop"] is { } stop)
        {
            input["stop_sequences"] = stop is JsonArray many ? string.Join(",", many.Select(JsonWire.String)) : JsonWire.String(stop);
        }
        return new JsonObject { ["input"] = input, ["stream"] = request.IsStream };
    }

    public static JsonObject Generation(JsonObject request)
    {
        var input = new JsonObject { ["prompt"] = JsonWire.String(request["prompt"]) ?? "", ["output_format"] = "png" };
        if (AspectRatio(JsonWire.String(request["size"])) is { } ratio)
        {
            input["aspect_ratio"] = ratio;
        }
        return new JsonObject { ["input"] = input };
    }

    /// <summary>
    /// An edit (inpainting, remix): the picture and the black-and-white mask FLUX Fill takes, made from the client's
    /// mask or, without one, from the picture's own transparency, as OpenAI reads it then.
    /// </summary>
    public static JsonObject Edit(EditForm form)
    {
        var image = form.Image ?? throw new RelayErrorException(RelayError.InvalidRequest("image is required", "missing_image"));
        var input = new JsonObject
        {
            ["prompt"] = form.Text("prompt") ?? "",
            ["image"] = DataUrl(image.Data, image.MediaType),
            ["output_format"] = "png",
        };
        var maskSource = form.Mask?.Data ?? (Png.IsPng(image.Data) ? image.Data : null);
        if (maskSource is not null)
        {
            var mask = FluxMask.FromTransparency(maskSource) ?? throw new RelayErrorException(
                RelayError.InvalidRequest("the mask must be a non-interlaced PNG with transparency where the picture is to change", "invalid_mask") with { Param = "mask" });
            input["mask"] = DataUrl(mask, "image/png");
        }
        return new JsonObject { ["input"] = input };
    }

    /// <summary>The ratio FLUX takes nearest to a <c>WxH</c> size; null for no size or one that is not <c>WxH</c>.</summary>
    public static string? AspectRatio(string? size)
    {
        var sides = size?.Split('x');
        if (sides is not [var w, var h] || !double.TryParse(w, CultureInfo.InvariantCulture, out var width) ||
            !double.TryParse(h, CultureInfo.InvariantCulture, out var height) || width <= 0 || height <= 0)
        {
            return null;
        }
        return AspectRatios.MinBy(ratio =>
        {
            var parts = ratio.Split(':');
            return Math.Abs(Math.Log(width / height) - Math.Log(double.Parse(parts[0], CultureInfo.InvariantCulture) / double.Parse(parts[1], CultureInfo.InvariantCulture)));
        });
    }

    private static string DataUrl(byte[] data, string mediaType) => $"data:{mediaType};base64,{Convert.ToBase64String(data)}";
}

/// <summary>One file of an edit form.</summary>
public sealed record FormFile(byte[] Data, string MediaType);

/// <summary>An OpenAI <c>images/edits</c> form as the gateway rebuilt it: fields and the picture and mask files.</summary>
public sealed class EditForm
{
    private readonly Dictionary<string, string> _fields = new(StringComparer.Ordinal);

    public FormFile? Image { get; private set; }

    public FormFile? Mask { get; private set; }

    public string? Text(string name) => _fields.GetValueOrDefault(name);

    public static async Task<EditForm> ReadAsync(HttpContent body, CancellationToken cancellationToken)
    {
        var form = new EditForm();
        if (body is not MultipartFormDataContent parts)
        {
            throw new RelayErrorException(RelayError.InvalidRequest("an image edit is a multipart form", "invalid_form"));
        }
        foreach (var part in parts)
        {
            var disposition = part.Headers.ContentDisposition ?? new ContentDispositionHeaderValue("form-data");
            var name = disposition.Name?.Trim('"') ?? "";
            var data = await part.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            if (disposition.FileName is null && disposition.FileNameStar is null)
            {
                form._fields[name] = Encoding.UTF8.GetString(data);
                continue;
            }
            var file = new FormFile(data, part.Headers.ContentType?.MediaType is { } type && type.StartsWith("image/", StringComparison.Ordinal)
                ? type
                : data.AsSpan().StartsWith((byte[])[0xFF, 0xD8, 0xFF]) ? "image/jpeg" : "image/png");
            if (name is "image" or "image[]")
            {
                form.Image ??= file;
            }
            else if (name == "mask")
            {
                form.Mask = file;
            }
        }
        return form;
    }
}
