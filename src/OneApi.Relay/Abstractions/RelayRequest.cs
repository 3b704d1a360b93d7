using System.Text.Json.Nodes;

namespace OneApi.Relay.Abstractions;

/// <summary>
/// A client's OpenAI-format request on its way upstream. <see cref="Body"/> is the parsed JSON; while nothing has
/// changed it (<see cref="BodyChanged"/> false) the client's own bytes are what is sent.
/// </summary>
public sealed class RelayRequest
{
    public RelayRequest(RelayMode mode, JsonObject body, ReadOnlyMemory<byte> rawBody, string model)
    {
        Mode = mode;
        Body = body;
        RawBody = rawBody;
        _clientRaw = rawBody;
        OriginModel = model;
        Model = model;
        ClientWantsStreamUsage = AsksForStreamUsageIn(body);
    }

    public RelayMode Mode { get; }

    public JsonObject Body { get; }

    /// <summary>The bytes sent upstream while <see cref="BodyChanged"/> is false: the client's, or a splice of them.</summary>
    public ReadOnlyMemory<byte> RawBody { get; private set; }

    public bool BodyChanged { get; private set; }

    /// <summary>The model the client asked for; logged and shown to the client.</summary>
    public string OriginModel { get; }

    /// <summary>The model sent upstream and billed, after the channel's model mapping.</summary>
    public string Model { get; private set; }

    public bool IsStream => Body["stream"] is JsonValue stream && stream.TryGetValue(out bool value) && value;

    /// <summary>The client's cap on output tokens (validated by <see cref="BillingFields"/> before this is read).</summary>
    public int? MaxTokens => BillingFields.OutputLimit(Body) is { } limit ? (int)Math.Min(limit, int.MaxValue) : null;

    /// <summary>
    /// Whether the client asked for a usage chunk at the end of its stream. When the gateway asks the upstream for one
    /// on its own account (<c>ENFORCE_INCLUDE_USAGE</c>), the client that did not ask must not get it.
    /// </summary>
    public bool ClientWantsStreamUsage { get; private init; }

    /// <summary>
    /// Whether the body as it now stands (the client's, or as the gateway edited it) asks for the usage chunk: a
    /// converter writes that chunk then, and the client API drops it when only the gateway asked.
    /// </summary>
    public bool AsksForStreamUsage => AsksForStreamUsageIn(Body);

    private static bool AsksForStreamUsageIn(JsonObject body) =>
        body["stream_options"] is JsonObject options && options["include_usage"] is JsonValue include &&
        include.TryGetValue(out bool wanted) && wanted;

    /// <summary>The query string of the client's URL (e.g. <c>reasoning_format</c>, <c>thinking</c>).</summary>
    public IReadOnlyDictionary<string, string> Query { get; init; } = new Dictionary<string, string>();

    /// <summary>The request as the client sent it, before any channel rewrote it: for trying another channel.</summary>
    public RelayRequest Fresh()
    {
        var body = JsonNode.Parse(_clientRaw.Span) as JsonObject ?? [];
        var fresh = new RelayRequest(Mode, body, _clientRaw, OriginModel) { Query = Query, ClientBody = ClientBody };
        if (!(body["model"] is JsonValue model && model.TryGetValue(out string? named) && named == OriginModel))
        {
            fresh.Edit(b => b["model"] = OriginModel);
        }
        return fresh;
    }

    /// <summary>
    /// The body in the client's own API when that is not OpenAI's (Anthropic Messages on <c>/v1/messages</c>), for
    /// adaptors whose upstream speaks it natively; null for OpenAI clients. <see cref="Body"/> is its OpenAI form.
    /// </summary>
    public JsonObject? ClientBody { get; init; }

    /// <summary>Every change to the body goes through here, so pass-through is decided in one place.</summary>
    public void Edit(Action<JsonObject> edit)
    {
        edit(Body);
        BodyChanged = true;
    }

    /// <summary>
    /// Asks the upstream for a usage chunk at the end of the stream (<c>stream_options.include_usage</c>). A body with
    /// no <c>stream_options</c> gets the field spliced in front of its bytes, so a large prompt is not re-serialized;
    /// the parsed body is given the same field, so a later edit keeps it.
    /// </summary>
    public void AskForStreamUsage()
    {
        if (Body["stream_options"] is JsonObject options)
        {
            Edit(_ => options["include_usage"] = true);
            return;
        }
        // The body names a model, so the object is never empty and the spliced field takes a comma.
        if (Body.ContainsKey("stream_options") || BodyChanged || RawBody.Span.TrimStart(" \t\r\n"u8) is not [(byte)'{', ..] rest)
        {
            Edit(body => body["stream_options"] = new JsonObject { ["include_usage"] = true });
            return;
        }
        var spliced = new byte[StreamUsageField.Length + rest.Length - 1];
        StreamUsageField.CopyTo(spliced);
        rest[1..].CopyTo(spliced.AsSpan(StreamUsageField.Length));
        RawBody = spliced;
        Body["stream_options"] = new JsonObject { ["include_usage"] = true };
    }

    private static ReadOnlySpan<byte> StreamUsageField => "{\"stream_options\":{\"include_usage\":true},"u8;

    private readonly ReadOnlyMemory<byte> _clientRaw;

    public void MapModel(string model)
    {
        if (model == Model)
        {
            return;
        }
        Model = model;
        Edit(body => body["model"] = model);
    }
}
