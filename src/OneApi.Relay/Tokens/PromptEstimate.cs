using System.Text.Json;

namespace OneApi.Relay.Tokens;

/// <summary>
/// A cheap upper estimate of a request's prompt tokens from its raw bytes, for the reservation: one forward pass of a
/// JSON reader, no tokenizer, no tree. Every byte of the body counts (messages, tools, tool calls, names, structure),
/// so nothing a client can put in a request escapes it. Inline media (<c>data:</c> URLs) count as a fixed number of
/// tokens each instead of their base64 length, and image links the same, since the upstream bills them per picture.
/// </summary>
public static class PromptEstimate
{
    /// <summary>
    /// BPE vocabularies average about 4 bytes of English per token, 2.5 of code and 2–3 of CJK text; 2 keeps the
    /// estimate at or above the real count for all of them. Only contrived text (random characters) has shorter tokens,
    /// and the settlement still charges it in full.
    /// </summary>
    public const int BytesPerToken = 2;

    /// <summary>What one image or audio part may cost: a high-detail 2048×2048 picture is 1,105 tokens on GPT-4o.</summary>
    public const int MediaPartTokens = 1_105;

    public static int Tokens(ReadOnlySpan<byte> body)
    {
        long textBytes = body.Length;
        long mediaParts = 0;
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, MaxDepth = 256 });
        var previousProperty = default(ReadOnlySpan<byte>);
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        previousProperty = reader.ValueSpan;
                        break;
                    case JsonTokenType.String when IsMedia(reader.ValueSpan, previousProperty):
                        textBytes -= reader.ValueSpan.Length;
                        mediaParts++;
                        break;
                }
            }
        }
        catch (JsonException)
        {
            // A body that is not JSON is refused before this is used; whatever was read still counts.
        }
        return (int)Math.Min(int.MaxValue, (textBytes + BytesPerToken - 1) / BytesPerToken + mediaParts * MediaPartTokens);
    }

    private static bool IsMedia(ReadOnlySpan<byte> value, ReadOnlySpan<byte> property) =>
        value.StartsWith("data:"u8) ||
        (property.SequenceEqual("url"u8) && (value.StartsWith("http://"u8) || value.StartsWith("https://"u8)));
}
