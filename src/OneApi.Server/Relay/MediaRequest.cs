using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;
using OneApi.Relay.Abstractions;
using OneApi.Relay.OpenAI;

namespace OneApi.Server.Relay;

/// <summary>
/// A client's image or audio request: a JSON body (images/generations, audio/speech) or a multipart form
/// (images/edits, images/variations, audio/transcriptions, audio/translations), read once and rebuilt for the
/// upstream with the channel's model.
/// </summary>
public sealed class MediaRequest
{
    private readonly JsonObject? _json;
    private readonly byte[]? _rawJson;
    private readonly IReadOnlyList<FormPart>? _form;

    private MediaRequest(RelayMode mode, string model, JsonObject? json, byte[]? rawJson, IReadOnlyList<FormPart>? form)
    {
        Mode = mode;
        Model = model;
        _json = json;
        _rawJson = rawJson;
        _form = form;
    }

    public RelayMode Mode { get; }

    /// <summary>The model the client asked for.</summary>
    public string Model { get; }

    public bool IsForm => _form is not null;

    /// <summary>The uploaded audio of a transcription or translation, or the picture to edit or vary.</summary>
    public FormPart? File => _form?.FirstOrDefault(p => p.FileName is not null && FilePartNames(Mode).Contains(p.Name));

    public string? ResponseFormat => _form is null ? null : FormValue("response_format");

    public static async Task<(MediaRequest? Request, RelayError? Error)> ReadAsync(RelayMode mode, byte[] body, string? contentType)
    {
        if (mode is RelayMode.AudioTranscription or RelayMode.AudioTranslation or RelayMode.ImagesEdits or RelayMode.ImagesVariations)
        {
            return await ReadFormAsync(mode, body, contentType);
        }
        var (json, invalid) = RequestBodyReader.ParseObject(body);
        if (json is null)
        {
            return (null, invalid);
        }
        if (BillingFields.Validate(json, mode) is { } invalidField)
        {
            return (null, invalidField);
        }
        var model = Text(json, "model");
        if (string.IsNullOrWhiteSpace(model))
        {
            if (mode != RelayMode.ImagesGenerations)
            {
                return (null, RelayError.InvalidRequest("model is required", "missing_model"));
            }
            model = DefaultImageModel;
        }
        return (new MediaRequest(mode, model, json, body, null), null);
    }

    private static async Task<(MediaRequest? Request, RelayError? Error)> ReadFormAsync(RelayMode mode, byte[] body, string? contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var type) || type.MediaType != "multipart/form-data" ||
            type.Parameters.FirstOrDefault(p => p.Name.Equals("boundary", StringComparison.OrdinalIgnoreCase))?.Value?.Trim('"') is not { Length: > 0 } boundary)
        {
            return (null, RelayError.InvalidRequest("the request must be multipart/form-data", "invalid_form"));
        }
        var parts = new List<FormPart>();
        try
        {
            var reader = new MultipartReader(boundary, new MemoryStream(body, writable: false)) { BodyLengthLimit = null };
            while (await reader.ReadNextSectionAsync() is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) || disposition.Name is null)
                {
                    continue;
                }
                using var data = new MemoryStream();
                await section.Body.CopyToAsync(data);
                parts.Add(new FormPart(disposition.Name.Trim('"'), disposition.FileName?.Trim('"') ?? disposition.FileNameStar, section.ContentType, data.ToArray()));
            }
        }
        catch (IOException e)
        {
            return (null, RelayError.InvalidRequest($"the multipart body is malformed: {e.Message}", "invalid_form"));
        }
        var request = new MediaRequest(mode, "", null, null, parts);
        if (request.File is null)
        {
            return (null, RelayError.InvalidRequest($"{FilePartNames(mode)[0]} is required", "missing_" + FilePartNames(mode)[0]));
        }
        if (request.FormValue("n") is { } n && !(int.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count is >= 1 and <= BillingFields.MaxImages))
        {
            return (null, RelayError.InvalidRequest("n must be a whole number", "invalid_n") with { Param = "n" });
        }
        var model = request.FormValue("model");
        if (string.IsNullOrWhiteSpace(model))
        {
            if (!mode.IsImage())
            {
                return (null, RelayError.InvalidRequest("model is required", "missing_model"));
            }
            model = DefaultImageModel;
        }
        return (new MediaRequest(mode, model, null, null, parts), null);
    }

    /// <summary>one-api's default, as OpenAI's, for image requests that name no model.</summary>
    private const string DefaultImageModel = "dall-e-2";

    /// <summary>The form field carrying the file: gpt-image-1 edits take several pictures as <c>image[]</c>.</summary>
    private static string[] FilePartNames(RelayMode mode) => mode.IsImage() ? ["image", "image[]"] : ["file"];

    public string Text(string name) => _json is null ? FormValue(name) ?? "" : Text(_json, name) ?? "";

    public int? Int(string name) => _json is null
        ? int.TryParse(FormValue(name), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : null
        : _json[name] is JsonValue value && value.TryGetValue(out int number) ? number : null;

    /// <summary>The body for the upstream: the client's own bytes when the model is unchanged, else rebuilt with <paramref name="model"/>.</summary>
    public HttpContent Content(string model)
    {
        if (_form is null)
        {
            var bytes = model == Model && Text(_json!, "model") == model ? _rawJson! : JsonWire.Serialize(WithModel(_json!, model));
            return new ByteArrayContent(bytes) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } };
        }
        var form = new MultipartFormDataContent();
        if (FormValue("model") is null)
        {
            form.Add(new StringContent(model), "model"); // the default the client relied on, or what the channel maps it to
        }
        foreach (var part in _form)
        {
            var content = new ByteArrayContent(part.Name == "model" ? Encoding.UTF8.GetBytes(model) : part.Data);
            if (part.ContentType is { } partType && MediaTypeHeaderValue.TryParse(partType, out var parsed))
            {
                content.Headers.ContentType = parsed;
            }
            if (part.FileName is { } fileName)
            {
                form.Add(content, part.Name, fileName);
            }
            else
            {
                form.Add(content, part.Name);
            }
        }
        return form;
    }

    private static JsonObject WithModel(JsonObject json, string model)
    {
        var copy = (JsonObject)json.DeepClone();
        copy["model"] = model;
        return copy;
    }

    private string? FormValue(string name) =>
        _form?.FirstOrDefault(p => p.Name == name && p.FileName is null) is { } part ? Encoding.UTF8.GetString(part.Data) : null;

    private static string? Text(JsonObject json, string name) => json[name] switch
    {
        JsonValue value when value.TryGetValue(out string? text) => text,
        JsonValue value when value.TryGetValue(out double number) => number.ToString(CultureInfo.InvariantCulture),
        _ => null,
    };
}

/// <summary>One field or file of a multipart form.</summary>
public sealed record FormPart(string Name, string? FileName, string? ContentType, byte[] Data);
