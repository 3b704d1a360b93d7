using System.Text;
using System.Text.Json;
using OneApi.Relay.Abstractions;

namespace OneApi.Relay.OpenAI;

/// <summary>Reads what billing needs from one OpenAI stream chunk, and decides whether the client gets it.</summary>
public static class OpenAIChunk
{
    /// <summary>
    /// The frame to forward for one <c>data:</c> payload, or null for a chunk with neither choices nor usage
    /// (Azure's content-filter chunks), which one-api drops. A payload that is not JSON is forwarded as it is.
    /// </summary>
    public static StreamFrame? Inspect(byte[] data, RelayMode mode) => Scan(data, mode, out var text) switch
    {
        Shape.NotAnObject => new StreamFrame(data),
        Shape.UsageOrError => InspectDocument(data, text),
        Shape.Delta => new StreamFrame(data, null, text?.ToString()),
        _ => null,
    };

    /// <summary>
    /// The chunks that carry usage or an error, one or two a stream, read as a document; <paramref name="text"/> is what
    /// <see cref="Scan"/> read of their choices.
    /// </summary>
    private static StreamFrame? InspectDocument(byte[] data, StringBuilder? text)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(data);
        }
        catch (JsonException)
        {
            return new StreamFrame(data); // broken after the usage or error began: forwarded as it is
        }
        using var _ = document;
        var root = document.RootElement;
        if (root.TryGetProperty("error"u8, out var error) && error.ValueKind == JsonValueKind.Object)
        {
            return new StreamFrame(data, Error: OpenAIError.Parse(500, data));
        }
        var usage = OpenAIUsage.Read(root);
        var hasChoices = root.TryGetProperty("choices"u8, out var choices) && choices.ValueKind == JsonValueKind.Array && choices.GetArrayLength() > 0;
        if (!hasChoices && usage is null)
        {
            return null;
        }
        return new StreamFrame(data, usage, hasChoices ? text?.ToString() : null);
    }

    /// <summary>What a chunk is, to the relay.</summary>
    private enum Shape
    {
        /// <summary>Not a JSON object: forwarded as it is.</summary>
        NotAnObject,
        /// <summary>It has a usage or error object: read as a document.</summary>
        UsageOrError,
        /// <summary>It has choices.</summary>
        Delta,
        /// <summary>Neither choices nor usage: dropped.</summary>
        Empty,
    }

    /// <summary>
    /// One forward pass over a chunk, which is nearly always a delta: its shape, and the generated text of its choices.
    /// A usage or error object anywhere at the top is skipped here and read by <see cref="InspectDocument"/>.
    /// </summary>
    private static Shape Scan(ReadOnlySpan<byte> data, RelayMode mode, out StringBuilder? text)
    {
        var reader = new Utf8JsonReader(data);
        text = null;
        var hasChoices = false;
        var hasUsageOrError = false;
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return Shape.NotAnObject;
            }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.ValueTextEquals("choices"u8) ? 1 : reader.ValueTextEquals("usage"u8) || reader.ValueTextEquals("error"u8) ? 2 : 0;
                reader.Read();
                hasUsageOrError |= name == 2 && reader.TokenType == JsonTokenType.StartObject;
                if (name == 1 && reader.TokenType == JsonTokenType.StartArray)
                {
                    hasChoices |= ReadChoices(ref reader, mode, ref text);
                }
                else
                {
                    reader.Skip();
                }
            }
            // anything after the object makes the payload something other than JSON, forwarded as it is
            return reader.Read() ? Shape.NotAnObject : hasUsageOrError ? Shape.UsageOrError : hasChoices ? Shape.Delta : Shape.Empty;
        }
        catch (JsonException)
        {
            return Shape.NotAnObject;
        }
    }

    /// <summary>Reads a <c>choices</c> array up to its end; true when it had an element.</summary>
    private static bool ReadChoices(ref Utf8JsonReader reader, RelayMode mode, ref StringBuilder? text)
    {
        var any = false;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            any = true;
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var generated = mode == RelayMode.ChatCompletions ? reader.ValueTextEquals("delta"u8) : reader.ValueTextEquals("text"u8);
                reader.Read();
                if (generated && reader.TokenType == JsonTokenType.StartObject)
                {
                    ReadMessage(ref reader, ref text);
                }
                else if (generated && reader.TokenType == JsonTokenType.String)
                {
                    Append(ref reader, ref text);
                }
                else
                {
                    reader.Skip();
                }
            }
        }
        return any;
    }

    /// <summary>A delta's generated strings, its tool calls' and its legacy function call's, as <see cref="OpenAIAnswer"/> reads a message.</summary>
    private static void ReadMessage(ref Utf8JsonReader reader, ref StringBuilder? text)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var field = GeneratedFields.IsOneOf(ref reader, GeneratedFields.Message) ? 1
                : reader.ValueTextEquals("tool_calls"u8) ? 2
                : reader.ValueTextEquals("function_call"u8) ? 3 : 0;
            reader.Read();
            if (field == 1 && reader.TokenType == JsonTokenType.String)
            {
                Append(ref reader, ref text);
            }
            else if (field == 2 && reader.TokenType == JsonTokenType.StartArray)
            {
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    ReadFunctionHolder(ref reader, ref text);
                }
            }
            else if (field == 3 && reader.TokenType == JsonTokenType.StartObject)
            {
                ReadFunction(ref reader, ref text);
            }
            else
            {
                reader.Skip();
            }
        }
    }

    /// <summary>A tool call: its <c>function</c>'s name and arguments.</summary>
    private static void ReadFunctionHolder(ref Utf8JsonReader reader, ref StringBuilder? text)
    {
        if (reader.TokenType == JsonTokenType.StartObject)
        {
            ReadMembers(ref reader, ref text, [], "function"u8, ReadFunction);
        }
        else
        {
            reader.Skip();
        }
    }

    private static void ReadFunction(ref Utf8JsonReader reader, ref StringBuilder? text) =>
        ReadMembers(ref reader, ref text, GeneratedFields.Function, default, null);

    private delegate void ObjectReader(ref Utf8JsonReader reader, ref StringBuilder? text);

    /// <summary>
    /// An object's members, to its end: a string named in <paramref name="texts"/> is generated text, an object named
    /// <paramref name="nested"/> is read by <paramref name="readNested"/>, anything else is skipped.
    /// </summary>
    private static void ReadMembers(ref Utf8JsonReader reader, ref StringBuilder? text, byte[][] texts, ReadOnlySpan<byte> nested, ObjectReader? readNested)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isText = GeneratedFields.IsOneOf(ref reader, texts);
            var isNested = readNested is not null && reader.ValueTextEquals(nested);
            reader.Read();
            if (isText && reader.TokenType == JsonTokenType.String)
            {
                Append(ref reader, ref text);
            }
            else if (isNested && reader.TokenType == JsonTokenType.StartObject)
            {
                readNested!(ref reader, ref text);
            }
            else
            {
                reader.Skip();
            }
        }
    }

    private static void Append(ref Utf8JsonReader reader, ref StringBuilder? text)
    {
        if (reader.GetString() is { Length: > 0 } piece)
        {
            (text ??= new StringBuilder()).Append(piece);
        }
    }

    /// <summary>A chunk with no choices: the one that carries the stream's usage at its end.</summary>
    public static bool IsUsageOnly(ReadOnlySpan<byte> data)
    {
        var reader = new Utf8JsonReader(data);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isChoices = reader.ValueTextEquals("choices"u8);
                reader.Read();
                if (isChoices)
                {
                    return reader.TokenType == JsonTokenType.StartArray && reader.Read() && reader.TokenType == JsonTokenType.EndArray;
                }
                reader.Skip();
            }
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
