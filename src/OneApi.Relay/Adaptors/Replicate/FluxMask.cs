using OneApi.Relay.Images;

namespace OneApi.Relay.Adaptors.Replicate;

/// <summary>
/// OpenAI's edit masks mark the area to repaint as transparent pixels
/// (https://platform.openai.com/docs/api-reference/images/createEdit); FLUX Fill takes a black-and-white picture,
/// white where it paints (https://replicate.com/black-forest-labs/flux-fill-pro/api/schema). one-api makes the same turn.
/// </summary>
public static class FluxMask
{
    /// <summary>The black-and-white mask for a PNG with transparency: white where alpha is 0; null when it is not a PNG this reads.</summary>
    public static byte[]? FromTransparency(ReadOnlySpan<byte> png)
    {
        if (Png.ReadAlpha(png) is not { } picture)
        {
            return null;
        }
        var grey = Array.ConvertAll(picture.Alpha, alpha => alpha == 0 ? (byte)255 : (byte)0);
        return Png.WriteGrey(picture.Width, picture.Height, grey);
    }
}
