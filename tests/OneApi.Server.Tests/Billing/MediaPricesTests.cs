using OneApi.Server.Billing;

namespace OneApi.Server.Tests.Billing;

public sealed class MediaPricesTests
{
    [Fact]
    public void Whisper_OneMinuteAtRatio15_Is0Point006Dollars()
    {
        var tokens = 60 * MediaPrices.AudioTokensPerSecond("whisper-1");

        var quota = MediaPrices.TranscriptionQuota(new PriceQuote(15, 1, 1), tokens);

        Assert.Equal(3_000, quota); // 200 tokens × 15; 3 000 / 500 000 = $0.006
        Assert.Equal(10, MediaPrices.AudioTokensPerSecond("gpt-4o-transcribe"));
        // whisper-1 at ratio 15 is 50 quota a second; a part-second rounds up: ceil(1.51 × 50) = ceil(75.5)
        Assert.Equal(76, MediaPrices.TranscriptionQuota(new PriceQuote(15, 1, 1), 1.51 * MediaPrices.AudioTokensPerSecond("whisper-1")));
    }

    [Theory]
    [InlineData("dall-e-2", "256x256", null, 1, 10_000)]
    [InlineData("dall-e-2", "512x512", null, 1, 11_250)] // int(10 × 1.125 × 1000)
    [InlineData("dall-e-2", "1024x1024", null, 3, 37_500)] // int(10 × 1.25 × 1000) × 3
    [InlineData("dall-e-3", "1024x1024", "standard", 1, 20_000)]
    [InlineData("dall-e-3", "1024x1024", "hd", 1, 40_000)]
    [InlineData("dall-e-3", "1792x1024", "hd", 1, 60_000)]
    public void Image_QuotaFollowsOneApiTables(string model, string size, string? quality, int n, long expected)
    {
        var ratio = model == "dall-e-2" ? 10 : 20;

        var quota = MediaPrices.ImageQuota(new PriceQuote(ratio, 1, 1), MediaPrices.ImageCostRatio(model, size, quality), n);

        Assert.Equal(expected, quota);
    }

    [Theory]
    [InlineData(11, 7.5, 82)] // int(82.5)
    [InlineData(4096, 15, 61_440)]
    public void Speech_IsCharactersTimesRatio_Truncated(int chars, double ratio, long expected)
    {
        Assert.Equal(expected, MediaPrices.SpeechQuota(new PriceQuote(ratio, 1, 1), chars));
    }
}
