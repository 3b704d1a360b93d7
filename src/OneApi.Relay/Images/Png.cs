using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;

namespace OneApi.Relay.Images;

/// <summary>A PNG's size and the opacity of each pixel, row by row (255 where the PNG has no alpha).</summary>
public sealed record PngAlpha(int Width, int Height, byte[] Alpha);

/// <summary>
/// Just enough of PNG (https://www.w3.org/TR/png-3/) to turn an image mask around: read the alpha of a
/// non-interlaced picture of any colour type, and write an 8-bit greyscale one. No image library is needed for that.
/// </summary>
public static class Png
{
    private static readonly byte[] Signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Refuses pictures whose pixels would take more than this unpacked (a small file can inflate to gigabytes).</summary>
    private const long MaxRawBytes = 128L * 1024 * 1024;

    public static bool IsPng(ReadOnlySpan<byte> data) => data.StartsWith(Signature);

    /// <summary>The picture's alpha; null when it is not a PNG this reads (interlaced, broken, too large).</summary>
    public static PngAlpha? ReadAlpha(ReadOnlySpan<byte> png)
    {
        if (!IsPng(png))
        {
            return null;
        }
        int width = 0, height = 0, depth = 0, colour = -1;
        byte[]? paletteAlpha = null;
        using var compressed = new MemoryStream();
        for (var at = Signature.Length; at + 12 <= png.Length;)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(png[at..]);
            if (length < 0 || at + 12 + (long)length > png.Length)
            {
                return null;
            }
            var type = png.Slice(at + 4, 4);
            var data = png.Slice(at + 8, length);
            if (type.SequenceEqual("IHDR"u8) && length >= 13)
            {
                (width, height, depth, colour) = (BinaryPrimitives.ReadInt32BigEndian(data), BinaryPrimitives.ReadInt32BigEndian(data[4..]), data[8], data[9]);
                if (data[12] != 0)
                {
                    return null; // Adam7 interlacing: not worth the code for a mask
                }
            }
            else if (type.SequenceEqual("tRNS"u8))
            {
                paletteAlpha = data.ToArray();
            }
            else if (type.SequenceEqual("IDAT"u8))
            {
                compressed.Write(data);
            }
            else if (type.SequenceEqual("IEND"u8))
            {
                break;
            }
            at += 12 + length;
        }
        return Decode(width, height, depth, colour, colour == 3 ? paletteAlpha ?? [] : null, compressed);
    }

    private static PngAlpha? Decode(int width, int height, int depth, int colour, byte[]? paletteAlpha, MemoryStream compressed)
    {
        var channels = colour switch { 0 => 1, 2 => 3, 3 => 1, 4 => 2, 6 => 4, _ => 0 };
        if (width <= 0 || height <= 0 || channels == 0 || depth is not (1 or 2 or 4 or 8 or 16) || (depth < 8 && colour is not (0 or 3)))
        {
            return null;
        }
        var bitsPerPixel = channels * depth;
        var stride = ((long)width * bitsPerPixel + 7) / 8;
        if ((stride + 1) * height > MaxRawBytes)
        {
            return null;
        }
        var raw = new byte[(stride + 1) * height];
        compressed.Position = 0;
        try
        {
            using var inflate = new ZLibStream(compressed, CompressionMode.Decompress);
            inflate.ReadExactly(raw);
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException)
        {
            return null;
        }
        if (!Unfilter(raw, (int)stride, height, Math.Max(1, bitsPerPixel / 8)))
        {
            return null;
        }
        var alpha = new byte[width * height];
        for (var y = 0; y < height; y++)
        {
            var row = raw.AsSpan(y * ((int)stride + 1) + 1, (int)stride);
            for (var x = 0; x < width; x++)
            {
                alpha[y * width + x] = colour switch
                {
                    6 => row[(x * 4 + 3) * depth / 8],
                    4 => row[(x * 2 + 1) * depth / 8],
                    3 => Sample(row, x, depth) is var index && index < paletteAlpha!.Length ? paletteAlpha[index] : (byte)255,
                    _ => 255,
                };
            }
        }
        return new PngAlpha(width, height, alpha);
    }

    /// <summary>A palette index packed at <paramref name="depth"/> bits, leftmost pixel in the high bits.</summary>
    private static int Sample(ReadOnlySpan<byte> row, int x, int depth)
    {
        var bit = x * depth;
        return (row[bit / 8] >> (8 - depth - bit % 8)) & ((1 << depth) - 1);
    }

    /// <summary>Undoes each row's filter in place (None, Sub, Up, Average, Paeth); false on an unknown filter.</summary>
    private static bool Unfilter(byte[] raw, int stride, int height, int bytesPerPixel)
    {
        for (var y = 0; y < height; y++)
        {
            var start = y * (stride + 1);
            var filter = raw[start];
            if (filter > 4)
            {
                return false;
            }
            var row = raw.AsSpan(start + 1, stride);
            ReadOnlySpan<byte> above = y == 0 ? new byte[stride] : raw.AsSpan(start - stride, stride);
            for (var i = 0; i < stride; i++)
            {
                int left = i >= bytesPerPixel ? row[i - bytesPerPixel] : 0, up = above[i], corner = i >= bytesPerPixel ? above[i - bytesPerPixel] : 0;
                row[i] += filter switch
                {
                    0 => 0,
                    1 => (byte)left,
                    2 => (byte)up,
                    3 => (byte)((left + up) / 2),
                    _ => Paeth(left, up, corner),
                };
            }
        }
        return true;
    }

    private static byte Paeth(int left, int up, int corner)
    {
        var estimate = left + up - corner;
        var (toLeft, toUp, toCorner) = (Math.Abs(estimate - left), Math.Abs(estimate - up), Math.Abs(estimate - corner));
        return (byte)(toLeft <= toUp && toLeft <= toCorner ? left : toUp <= toCorner ? up : corner);
    }

    /// <summary>An 8-bit greyscale PNG of <paramref name="grey"/> (one byte a pixel, row by row).</summary>
    public static byte[] WriteGrey(int width, int height, ReadOnlySpan<byte> grey)
    {
        using var pixels = new MemoryStream();
        using (var deflate = new ZLibStream(pixels, CompressionLevel.Optimal, leaveOpen: true))
        {
            for (var y = 0; y < height; y++)
            {
                deflate.WriteByte(0); // filter: none
                deflate.Write(grey.Slice(y * width, width));
            }
        }
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8; // bits per sample; colour type 0 (greyscale), default compression, filter and no interlace
        using var png = new MemoryStream();
        png.Write(Signature);
        WriteChunk(png, "IHDR"u8, header);
        WriteChunk(png, "IDAT"u8, pixels.ToArray());
        WriteChunk(png, "IEND"u8, []);
        return png.ToArray();
    }

    private static void WriteChunk(MemoryStream png, ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        Span<byte> number = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(number, data.Length);
        png.Write(number);
        var crc = new Crc32();
        crc.Append(type);
        crc.Append(data);
        png.Write(type);
        png.Write(data);
        BinaryPrimitives.WriteUInt32BigEndian(number, crc.GetCurrentHashAsUInt32());
        png.Write(number);
    }
}
