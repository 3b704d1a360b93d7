using System.Net;
using OneApi.Relay.Images;

namespace OneApi.Relay.Tests.Images;

public sealed class OutboundAddressPolicyTests
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.8.9.10")]
    [InlineData("10.1.2.3")]
    [InlineData("172.16.0.1")]
    [InlineData("172.31.255.255")]
    [InlineData("192.168.1.1")]
    [InlineData("169.254.169.254")]
    [InlineData("100.64.0.1")]
    [InlineData("0.0.0.0")]
    [InlineData("224.0.0.1")]
    [InlineData("255.255.255.255")]
    [InlineData("198.18.0.1")]
    [InlineData("::")]
    [InlineData("::1")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("::ffff:10.0.0.1")]
    [InlineData("::ffff:169.254.169.254")]
    [InlineData("::127.0.0.1")]
    [InlineData("64:ff9b::a9fe:a9fe")]
    [InlineData("2002:7f00:1::")]
    [InlineData("fc00::1")]
    [InlineData("fd12:3456::1")]
    [InlineData("fe80::1")]
    [InlineData("ff02::1")]
    public void InnerAddresses_AreNotPublic(string address) => Assert.False(OutboundAddressPolicy.IsPublic(IPAddress.Parse(address)));

    [Theory]
    [InlineData("93.184.216.34")]
    [InlineData("8.8.8.8")]
    [InlineData("172.32.0.1")]
    [InlineData("100.128.0.1")]
    [InlineData("::ffff:93.184.216.34")]
    [InlineData("2606:4700:4700::1111")]
    [InlineData("2001:4860:4860::8888")]
    public void PublicAddresses_ArePublic(string address) => Assert.True(OutboundAddressPolicy.IsPublic(IPAddress.Parse(address)));

    [Theory]
    [InlineData("127.0.0.1:8080", "127.0.0.1", 8080)]
    [InlineData("[::1]:443", "::1", 443)]
    [InlineData("::1", "::1", null)]
    [InlineData("Images.Internal", "images.internal", null)]
    [InlineData("images.internal:9000", "images.internal", 9000)]
    [InlineData("[::ffff:10.0.0.5]:80", "10.0.0.5", 80)]
    public void AllowedDestinations_AreParsed(string entry, string host, int? port) =>
        Assert.Equal(new AllowedDestination(host, port), AllowedDestination.Parse(entry));

    [Fact]
    public async Task AllowList_OpensOnlyTheListedPort_AndNamesPassUnchecked()
    {
        var resolver = new FixedResolver(IPAddress.Parse("10.0.0.7"));
        var policy = new OutboundAddressPolicy([AllowedDestination.Parse("127.0.0.1:8080"), AllowedDestination.Parse("images.internal")], resolver);

        Assert.Single(await policy.ResolvePermittedAsync("127.0.0.1", 8080, CancellationToken.None));
        Assert.Single(await policy.ResolvePermittedAsync("[::ffff:127.0.0.1]", 8080, CancellationToken.None));
        await Assert.ThrowsAsync<OutboundAddressRefusedException>(() => policy.ResolvePermittedAsync("127.0.0.1", 8081, CancellationToken.None));
        Assert.Single(await policy.ResolvePermittedAsync("images.internal", 443, CancellationToken.None));
        await Assert.ThrowsAsync<OutboundAddressRefusedException>(() => policy.ResolvePermittedAsync("other.example.com", 443, CancellationToken.None));
    }

    private sealed class FixedResolver(IPAddress address) : IHostResolver
    {
        public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) => Task.FromResult(new[] { address });
    }
}
