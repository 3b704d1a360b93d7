using System.Text.Json.Nodes;
using OneApi.Relay.OpenAI;

namespace OneApi.Relay.Abstractions;

/// <summary>
/// A client's OpenAI-format request on its way upstream. While nothing has edited its tree (<see cref="BodyChanged"/>
/// false) the bytes sent are <see cref="RawBody"/>: the client's own, or a splice of them. A request read from a
/// client's bytes (<see cref="JsonBody"/>) builds its tree (<see cref="Body"/>) only when something asks for it: the
/// relay itself reads only <see cref="Field"/>s, so a body forwarded unchanged is never parsed into nodes.
/// </summary>
public sealed class RelayRequest
{
    /// <summary>A request whose body the gateway built (a client API converted to OpenAI's format, a channel test).</summary>
    public RelayRequest(RelayMode mode, JsonObject body, ReadOnlyMemory<byte> rawBody, string model)
    {
        Mode = mode;
        _tree = body;
        RawBody = rawBody;
        _clientRaw = rawBody;
        OriginModel = model;
        Model = model;
        ClientWantsStreamUsage = AsksForStreamUsage;
    }

    /// <summary>A request read from the client's bytes.</summary>
    public RelayRequest(RelayMode mode, JsonBody body, string model)
    {
        Mode = mode;
        _json = body;
        _clientJson = body;
        RawBody = body.Utf8;
        _clientRaw = body.Utf8;
        OriginModel = model;
        Model = model;
        ClientWantsStreamUsage = AsksForStreamUsage;
    }

    private JsonObject? _tree;

    // The fields of RawBody while it is the truth (no tree edit); null for a body the gateway built.
    private JsonBody? _json;

    private readonly JsonBody? _clientJson;

    private readonly ReadOnlyMemory<byte> _clientRaw;

    public RelayMode Mode { get; }

    /// <summary>The body as a tree, built from <see cref="RawBody"/> on first use. Reading it changes nothing.</summary>
    public JsonObject Body => _tree ??= _json!.ToTree();

    /// <summary>Whether the tree has been built (tests check that a forwarded body never is).</summary>
    public bool BodyParsed => _tree is not null;

    /// <summary>A top-level field of the body as it now stands, without building the tree.</summary>
    public JsonNode? Field(string name) => _tree is not null ? _tree[name] : _json!.Field(name);

    /// <summary>The bytes sent upstream while <see cref="BodyChanged"/> is false: the client's, or a splice of them.</summary>
    public ReadOnlyMemory<byte> RawBody { get; private set; }

    /// <summary>The tree was edited: it is what goes upstream, serialized.</summary>
    public bool BodyChanged { get; private set; }

    /// <summary>The reservation's estimate of the prompt, from the body's bytes.</summary>
    public int PromptEstimateTokens => _json?.PromptTokens ?? Tokens.PromptEstimate.Tokens(RawBody);

    /// <summary>The model the client asked for; logged and shown to the client.</summary>
    public string OriginModel { get; }

    /// <summary>The model sent upstream and billed, after the channel's model mapping.</summary>
    public string Model { get; private set; }

    public bool IsStream => Field("stream") is JsonValue stream && stream.TryGetValue(out bool value) && value;

    /// <summary>The client's cap on output tokens (validated by <see cref="BillingFields"/> before this is read).</summary>
    public int? MaxTokens => BillingFields.OutputLimit(Field) is { } limit ? (int)Math.Min(limit, int.MaxValue) : null;

    /// <summary>
    /// Whether the client asked for a usage chunk at the end of its stream. When the gateway asks the upstream for one
    /// on its own account (<c>ENFORCE_INCLUDE_USAGE</c>), the client that did not ask must not get it.
    /// </summary>
    public bool ClientWantsStreamUsage { get; private init; }

    /// <summary>
    /// Whether the body as it now stands (the client's, or as the gateway edited it) asks for the usage chunk: a
    /// converter writes that chunk then, and the client API drops it when only the gateway asked.
    /// </summary>
    public bool AsksForStreamUsage =>
        Field("stream_options") is JsonObject options && options["include_usage"] is JsonValue include &&
        include.TryGetValue(out bool wanted) && wanted;

    /// <summary>The query string of the client's URL (e.g. <c>reasoning_format</c>, <c>thinking</c>).</summary>
    public IReadOnlyDictionary<string, string> Query { get; init; } = new Dictionary<string, string>();

    /// <summary>The request as the client sent it, before any channel rewrote it: for trying another channel.</summary>
    public RelayRequest Fresh()
    {
        var fresh = _clientJson is not null
            ? new RelayRequest(Mode, _clientJson, OriginModel) { Query = Query, ClientBody = ClientBody }
            : new RelayRequest(Mode, JsonNode.Parse(_clientRaw.Span) as JsonObject ?? [], _clientRaw, OriginModel) { Query = Query, ClientBody = ClientBody };
        if (JsonWire.String(fresh.Field("model")) != OriginModel)
        {
            fresh.Set("model", JsonValue.Create(OriginModel));
        }
        return fresh;
    }

    /// <summary>
    /// The body in the client's own API when that is not OpenAI's (Anthropic Messages on <c>/v1/messages</c>), for
    /// adaptors whose upstream speaks it natively; null for OpenAI clients. <see cref="Body"/> is its OpenAI form.
    /// </summary>
    public JsonObject? ClientBody { get; init; }

    /// <summary>Every change to the tree goes through here, so pass-through is decided in one place.</summary>
    public void Edit(Action<JsonObject> edit)
    {
        edit(Body);
        BodyChanged = true;
        _json = null;
    }

    /// <summary>
    /// Sets a top-level field. While the client's bytes are what goes upstream, the new value is spliced into them
    /// (a large prompt is neither parsed nor re-serialized); otherwise the tree is edited.
    /// </summary>
    public void Set(string name, JsonNode value)
    {
        if (_json is null || BodyChanged)
        {
            Edit(body => body[name] = value);
            return;
        }
        _json = _json.With(name, JsonWire.Serialize(value));
        RawBody = _json.Utf8;
        if (_tree is not null)
        {
            _tree[name] = value.DeepClone();
        }
    }

    /// <summary>Asks the upstream for a usage chunk at the end of the stream (<c>stream_options.include_usage</c>).</summary>
    public void AskForStreamUsage()
    {
        var options = Field("stream_options") as JsonObject is { } existing ? (JsonObject)existing.DeepClone() : [];
        options["include_usage"] = true;
        Set("stream_options", options);
    }

    public void MapModel(string model)
    {
        if (model == Model)
        {
            return;
        }
        Model = model;
        Set("model", JsonValue.Create(model));
    }
}
