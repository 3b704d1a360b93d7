using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Unicode;

namespace OneApi.Relay.Abstractions;

/// <summary>
/// A client's JSON object body, read the way a relay that forwards it needs: one forward pass checks that it is JSON
/// and finds where each top-level field's value lies, and the tree is built only when something asks for it. A 150 KB
/// prompt that goes upstream unchanged is never turned into nodes and strings; routing and billing read the few small
/// fields they need (<c>model</c>, <c>stream</c>, <c>max_tokens</c>…) from their own bytes.
/// </summary>
/// <remarks>
/// The pass refuses what a JSON parser refuses: invalid UTF-8, bad escapes, control characters in strings, bad
/// numbers, unbalanced brackets, more than <see cref="MaxDepth"/> levels, and a top-level name given twice (the gateway
/// and the upstream could read different values of it). Strings are skipped by a vectorized search for their end,
/// which is where the time goes in a JSON reader: escapes make <see cref="Utf8JsonReader"/> check every byte.
/// </remarks>
public sealed class JsonBody
{
    public const int MaxDepth = 64;

    private static readonly JsonDocumentOptions TreeOptions = new() { MaxDepth = MaxDepth, AllowDuplicateProperties = false };

    private readonly Dictionary<string, Range> _fields;

    private JsonBody(ReadOnlyMemory<byte> utf8, Dictionary<string, Range> fields, int promptTokens)
    {
        Utf8 = utf8;
        _fields = fields;
        PromptTokens = promptTokens;
    }

    /// <summary>The body's bytes.</summary>
    public ReadOnlyMemory<byte> Utf8 { get; }

    /// <summary>The reservation's estimate of the prompt (see <see cref="Tokens.PromptEstimate"/>), from the same pass.</summary>
    public int PromptTokens { get; }

    private static readonly SearchValues<byte> ForbiddenControls = SearchValues.Create(
        [.. Enumerable.Range(0, 0x20).Where(b => b is not ('\t' or '\n' or '\r')).Select(b => (byte)b)]);

    /// <summary>Reads <paramref name="utf8"/>, or says in a sentence why it is not a JSON object.</summary>
    public static (JsonBody? Body, string? Error) Read(ReadOnlyMemory<byte> utf8)
    {
        if (!System.Text.Unicode.Utf8.IsValid(utf8.Span))
        {
            return (null, "request body is not valid UTF-8");
        }
        // JSON allows no control character but tab, LF and CR anywhere, and those three only between tokens: the first
        // kind is looked for once here, the second where strings are skipped.
        if (utf8.Span.IndexOfAny(ForbiddenControls) is var control and >= 0)
        {
            return (null, $"request body is not valid JSON: control character (byte {control})");
        }
        var scanner = new Scanner(utf8.Span);
        var fields = new Dictionary<string, Range>(StringComparer.Ordinal);
        var error = scanner.ReadTopLevel(fields);
        return error is null
            ? (new JsonBody(utf8, fields, scanner.PromptTokens()), null)
            : (null, $"request body is not valid JSON: {error} (byte {scanner.Position})");
    }

    public bool Has(string name) => _fields.ContainsKey(name);

    /// <summary>
    /// The top-level field's value as its own node, parsed from its bytes on first use; null when absent or JSON null.
    /// The node is shared by every caller: read it, or change a <see cref="JsonNode.DeepClone"/> of it.
    /// </summary>
    public JsonNode? Field(string name)
    {
        if (!_fields.TryGetValue(name, out var range))
        {
            return null;
        }
        _parsed ??= new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        if (!_parsed.TryGetValue(name, out var node))
        {
            node = Parse(Utf8[range]);
            _parsed[name] = node;
        }
        return node;
    }

    private Dictionary<string, JsonNode?>? _parsed;

    /// <summary>The top-level field when it is a string.</summary>
    public string? String(string name)
    {
        if (!_fields.TryGetValue(name, out var range))
        {
            return null;
        }
        var reader = new Utf8JsonReader(Utf8.Span[range]);
        return reader.Read() && reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
    }

    /// <summary>
    /// The whole body as a tree, for code that converts it. The tree reads the body's bytes as it goes (no copy), so
    /// they must outlive it. A name given twice inside the body is refused here, as a 400.
    /// </summary>
    public JsonObject ToTree() => (JsonObject)Parse(Utf8)!;

    // The one way nodes are made from the body's bytes, whole or a field: a name given twice is the client's 400, not
    // an exception deep in a handler when the node is read.
    private static JsonNode? Parse(ReadOnlyMemory<byte> utf8)
    {
        try
        {
            var root = JsonDocument.Parse(utf8, TreeOptions).RootElement;
            return root.ValueKind switch
            {
                JsonValueKind.Object => JsonObject.Create(root),
                JsonValueKind.Array => JsonArray.Create(root),
                JsonValueKind.Null => null,
                _ => JsonValue.Create(root),
            };
        }
        catch (JsonException e)
        {
            throw new RelayErrorException(RelayError.InvalidRequest($"request body is not valid JSON: {e.Message}", "invalid_json"));
        }
    }

    /// <summary>
    /// The body with the top-level field <paramref name="name"/> set to <paramref name="valueJson"/>: its old value's
    /// bytes replaced, or the field put first. The rest of the bytes are copied as they are, not re-serialized.
    /// </summary>
    public JsonBody With(string name, ReadOnlySpan<byte> valueJson)
    {
        var source = Utf8.Span;
        int start, valueStart;
        byte[] spliced;
        if (_fields.TryGetValue(name, out var old))
        {
            (start, var length) = old.GetOffsetAndLength(source.Length);
            spliced = [.. source[..start], .. valueJson, .. source[(start + length)..]];
            valueStart = start;
        }
        else
        {
            // Read accepted only an object, so the body starts with '{' after white space; the new field goes right
            // after it, with a comma when the object has other fields.
            start = source.IndexOf((byte)'{');
            var head = new ArrayBufferWriter<byte>(name.Length + valueJson.Length + 8);
            head.Write("{"u8);
            using (var writer = new Utf8JsonWriter(head))
            {
                writer.WriteStringValue(name);
            }
            head.Write(":"u8);
            valueStart = head.WrittenCount;
            head.Write(valueJson);
            if (_fields.Count > 0)
            {
                head.Write(","u8);
            }
            spliced = [.. head.WrittenSpan, .. source[(start + 1)..]];
            start = 0;
        }
        var shift = spliced.Length - source.Length;
        var fields = new Dictionary<string, Range>(_fields.Count + 1, StringComparer.Ordinal);
        foreach (var (field, range) in _fields)
        {
            var (at, size) = range.GetOffsetAndLength(source.Length);
            if (field != name)
            {
                var moved = at > start ? at + shift : at;
                fields[field] = new Range(moved, moved + size);
            }
        }
        fields[name] = new Range(valueStart, valueStart + valueJson.Length);
        // What was added is counted as prompt text, so the estimate stays an upper bound.
        return new JsonBody(spliced, fields, PromptTokens + (Math.Max(0, shift) + Tokens.PromptEstimate.BytesPerToken - 1) / Tokens.PromptEstimate.BytesPerToken);
    }

    /// <summary>One pass over the bytes; every method leaves <see cref="Position"/> just after what it read.</summary>
    private ref struct Scanner(ReadOnlySpan<byte> json)
    {
        private readonly ReadOnlySpan<byte> _json = json;
        private int _depth;
        private long _mediaBytes;
        private long _mediaParts;

        public int Position { get; private set; }

        public readonly int PromptTokens() => Tokens.PromptEstimate.FromCounts(_json.Length - _mediaBytes, _mediaParts);

        public string? ReadTopLevel(Dictionary<string, Range> fields)
        {
            SkipWhiteSpace();
            if (!Take((byte)'{'))
            {
                return "the body must be a JSON object";
            }
            _depth = 1;
            if (ReadMembers(fields) is { } error)
            {
                return error;
            }
            SkipWhiteSpace();
            return Position == _json.Length ? null : "unexpected data after the object";
        }

        // After an object's '{': its members up to and including '}'. Top-level names and value ranges go to fields.
        private string? ReadMembers(Dictionary<string, Range>? fields)
        {
            SkipWhiteSpace();
            if (Take((byte)'}'))
            {
                return null;
            }
            while (true)
            {
                SkipWhiteSpace();
                var nameStart = Position;
                if (Peek() != '"')
                {
                    return "expected a property name";
                }
                if (ReadString(out var escaped) is { } badName)
                {
                    return badName;
                }
                var name = _json[(nameStart + 1)..(Position - 1)];
                SkipWhiteSpace();
                if (!Take((byte)':'))
                {
                    return "expected ':'";
                }
                SkipWhiteSpace();
                var valueStart = Position;
                if (ReadValue(name) is { } badValue)
                {
                    return badValue;
                }
                if (fields is not null && !fields.TryAdd(Name(name, nameStart, escaped), new Range(valueStart, Position)))
                {
                    return $"the field {Name(name, nameStart, escaped)} is given twice";
                }
                SkipWhiteSpace();
                if (Take((byte)'}'))
                {
                    return null;
                }
                if (!Take((byte)','))
                {
                    return "expected ',' or '}'";
                }
            }
        }

        private readonly string Name(ReadOnlySpan<byte> name, int quoted, bool escaped)
        {
            if (!escaped)
            {
                return Encoding.UTF8.GetString(name);
            }
            // Escaped names are decoded, so "max_tok\u0065ns" is the max_tokens the upstream will read.
            var reader = new Utf8JsonReader(_json[quoted..(quoted + name.Length + 2)]);
            reader.Read();
            return reader.GetString()!;
        }

        private string? ReadValue(ReadOnlySpan<byte> name)
        {
            switch (Peek())
            {
                case '"':
                    var start = Position;
                    if (ReadString(out _) is { } badString)
                    {
                        return badString;
                    }
                    CountIfMedia(_json[(start + 1)..(Position - 1)], name);
                    return null;
                case '{':
                    return Nested(isObject: true);
                case '[':
                    return Nested(isObject: false);
                case 't':
                    return Literal("true"u8);
                case 'f':
                    return Literal("false"u8);
                case 'n':
                    return Literal("null"u8);
                default:
                    return ReadNumber();
            }
        }

        private string? Nested(bool isObject)
        {
            if (++_depth > MaxDepth)
            {
                return $"nested deeper than {MaxDepth}";
            }
            Position++;
            var error = isObject ? ReadMembers(null) : ReadElements();
            _depth--;
            return error;
        }

        // After an array's '[': its elements up to and including ']'.
        private string? ReadElements()
        {
            SkipWhiteSpace();
            if (Take((byte)']'))
            {
                return null;
            }
            while (true)
            {
                SkipWhiteSpace();
                if (ReadValue(default) is { } error)
                {
                    return error;
                }
                SkipWhiteSpace();
                if (Take((byte)']'))
                {
                    return null;
                }
                if (!Take((byte)','))
                {
                    return "expected ',' or ']'";
                }
            }
        }

        private string? ReadString(out bool escaped)
        {
            escaped = false;
            Position++;
            while (true)
            {
                // One search for the five bytes a run of a string can end at: other control characters were refused
                // for the whole body before (code escapes a line break every few dozen bytes, so a second search per
                // run cost more than the search itself).
                var run = _json[Position..].IndexOfAny(StringStops);
                if (run < 0)
                {
                    return "unterminated string";
                }
                Position += run;
                if (_json[Position] == '"')
                {
                    Position++;
                    return null;
                }
                if (_json[Position] != '\\')
                {
                    return "control character in a string";
                }
                escaped = true;
                if (ReadEscape() is { } badEscape)
                {
                    return badEscape;
                }
            }
        }

        private string? ReadEscape()
        {
            if (Position + 1 >= _json.Length)
            {
                return "unterminated string";
            }
            switch (_json[Position + 1])
            {
                case (byte)'"' or (byte)'\\' or (byte)'/' or (byte)'b' or (byte)'f' or (byte)'n' or (byte)'r' or (byte)'t':
                    Position += 2;
                    return null;
                case (byte)'u' when Position + 6 <= _json.Length && _json.Slice(Position + 2, 4).IndexOfAnyExcept(HexDigits) < 0:
                    Position += 6;
                    return null;
                default:
                    return "invalid escape in a string";
            }
        }

        private static readonly SearchValues<byte> HexDigits = SearchValues.Create("0123456789abcdefABCDEF"u8);

        private static readonly SearchValues<byte> StringStops = SearchValues.Create("\"\\\t\n\r"u8);

        private string? ReadNumber()
        {
            var start = Position;
            Take((byte)'-');
            if (Take((byte)'0'))
            {
                // no leading zeros
            }
            else if (Digits() == 0)
            {
                return Position == start ? "unexpected character" : "invalid number";
            }
            if (Take((byte)'.') && Digits() == 0)
            {
                return "invalid number";
            }
            if (Peek() is 'e' or 'E')
            {
                Position++;
                if (!Take((byte)'+'))
                {
                    Take((byte)'-');
                }
                if (Digits() == 0)
                {
                    return "invalid number";
                }
            }
            return null;
        }

        private int Digits()
        {
            var start = Position;
            while (Position < _json.Length && char.IsAsciiDigit((char)_json[Position]))
            {
                Position++;
            }
            return Position - start;
        }

        private string? Literal(ReadOnlySpan<byte> literal)
        {
            if (!_json[Position..].StartsWith(literal))
            {
                return "unexpected character";
            }
            Position += literal.Length;
            return null;
        }

        // Inline media and image links are billed per picture, not by their length: see PromptEstimate.
        private void CountIfMedia(ReadOnlySpan<byte> value, ReadOnlySpan<byte> name)
        {
            if (Tokens.PromptEstimate.IsMedia(value, name))
            {
                _mediaBytes += value.Length;
                _mediaParts++;
            }
        }

        private void SkipWhiteSpace()
        {
            while (Position < _json.Length && _json[Position] is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r')
            {
                Position++;
            }
        }

        private readonly int Peek() => Position < _json.Length ? _json[Position] : -1;

        private bool Take(byte expected)
        {
            if (Position < _json.Length && _json[Position] == expected)
            {
                Position++;
                return true;
            }
            return false;
        }
    }
}
