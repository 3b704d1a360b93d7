using OneApi.Relay.Abstractions;

namespace OneApi.Relay.Tokens;

/// <summary>
/// A cheap upper estimate of a request's prompt tokens from its raw bytes, for the reservation: made in the pass that
/// reads the body (<see cref="JsonBody"/>), no tokenizer, no tree. Every byte of the body counts (messages, tools, tool calls, names, structure),
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

    /// <summary>The estimate for a body the gateway has not read yet (one it built itself, or not JSON: then every byte).</summary>
    public static int Tokens(ReadOnlyMemory<byte> body) =>
        JsonBody.Read(body).Body?.PromptTokens ?? FromCounts(body.Length, 0);

    /// <summary>The estimate from what a pass over the body found: its bytes that are not media, and its media parts.</summary>
    public static int FromCounts(long textBytes, long mediaParts) =>
        (int)Math.Min(int.MaxValue, (textBytes + BytesPerToken - 1) / BytesPerToken + mediaParts * MediaPartTokens);

    /// <summary>Whether a string value (its JSON text, without quotes) is an inline picture or a link to one.</summary>
    public static bool IsMedia(ReadOnlySpan<byte> value, ReadOnlySpan<byte> property) =>
        value.StartsWith("data:"u8) ||
        (property.SequenceEqual("url"u8) && (value.StartsWith("http://"u8) || value.StartsWith("https://"u8)));
}
