using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;
using OneApi.Relay.Adaptors.Replicate;
using OneApi.Relay.Images;

namespace OneApi.Relay.Tests.Images;

/// <summary>The PNG reading and writing the FLUX Fill mask needs, against pictures written by another encoder (every row filter, palette, 16 bits).</summary>
public sealed class PngTests
{
    [Fact]
    public void Rgba_AlphaOfEveryPixel_ThroughAllFiveRowFilters()
    {
        var picture = Png.ReadAlpha(Fixture.Bytes("replicate/mask_rgba.png"))!;

        Assert.Equal((4, 5), (picture.Width, picture.Height));
        var expected = Enumerable.Range(0, 20).Select(i => (byte)(i % 4 < 2 ? 0 : 255)).ToArray();
        expected[3] = 128;
        Assert.Equal(expected, picture.Alpha);
    }

    [Fact]
    public void Palette_TwoBitIndices_TakeTheirAlphaFromTrns()
    {
        var picture = Png.ReadAlpha(Fixture.Bytes("replicate/mask_palette.png"))!;

        int[] indices = [0, 1, 2, 3, 0, 0, 1, 1, 3, 3, 0, 2, 1, 0, 0, 0];
        Assert.Equal(indices.Select(i => (byte)(i == 0 ? 0 : 255)), picture.Alpha);
    }

    [Fact]
    public void GreyAndAlpha16Bit_TakesTheHighByte()
    {
        Assert.Equal(new byte[] { 255, 0, 255, 1, 255, 0 }, Png.ReadAlpha(Fixture.Bytes("replicate/mask_grey_alpha16.png"))!.Alpha);
    }

    [Theory]
    [InlineData("not a png")]
    [InlineData("\u0089PNG\r\n\u001a\n")]
    public void NotAPng_OrOneWithoutPixels_IsNull(string bytes)
    {
        Assert.Null(Png.ReadAlpha(bytes.Select(c => (byte)c).ToArray()));
    }

    [Fact]
    public void TransparentMask_BecomesWhiteWhereTransparent_BlackElsewhere()
    {
        var mask = FluxMask.FromTransparency(Fixture.Bytes("replicate/mask_rgba.png"))!;

        Assert.Equal(Expected(4, 5, x => x < 2), GreyPixels(mask));
    }

    /// <summary>A black-and-white mask, white where <paramref name="white"/> says of the column.</summary>
    internal static byte[] Expected(int width, int height, Func<int, bool> white) =>
        Enumerable.Range(0, width * height).Select(i => (byte)(white(i % width) ? 255 : 0)).ToArray();

    /// <summary>The pixels of an 8-bit greyscale PNG with unfiltered rows, checking its chunks' CRCs on the way.</summary>
    internal static byte[] GreyPixels(byte[] png)
    {
        using var idat = new MemoryStream();
        int width = 0;
        for (var at = 8; at < png.Length;)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(at));
            var chunk = png.AsSpan(at + 4, length + 4);
            Assert.Equal(Crc32.HashToUInt32(chunk), BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(at + 8 + length)));
            if (chunk.StartsWith("IHDR"u8))
            {
                width = BinaryPrimitives.ReadInt32BigEndian(chunk[4..]);
                Assert.Equal((8, 0), (chunk[12], chunk[13]));
            }
            else if (chunk.StartsWith("IDAT"u8))
            {
                idat.Write(chunk[4..]);
            }
            at += 12 + length;
        }
        idat.Position = 0;
        using var pixels = new MemoryStream();
        new ZLibStream(idat, CompressionMode.Decompress).CopyTo(pixels);
        return pixels.ToArray().Chunk(width + 1).SelectMany(row => { Assert.Equal(0, row[0]); return row[1..]; }).ToArray();
    }
}
