using OneApi.Relay.Abstractions;
using OneApi.Relay.Adaptors.OpenAI;

namespace OneApi.Relay.Tests.Adaptors.OpenAI;

public sealed class OpenAIAdaptorErrorTests
{
    private readonly IChannelAdaptor _adaptor = TestAdaptors.OpenAI();

    [Fact]
    public void InvalidApiKey401_KeepsOpenAIMessageTypeAndCode()
    {
        var error = _adaptor.ReadError(401, Fixture.Bytes("openai/error_401_invalid_api_key.json"));

        Assert.Equal(RelayErrorKind.UpstreamStatus, error.Kind);
        Assert.Equal(401, error.StatusCode);
        Assert.StartsWith("Incorrect API key provided: sk-abc123.", error.Message, StringComparison.Ordinal);
        Assert.Equal("invalid_request_error", error.Type);
        Assert.Equal("invalid_api_key", error.Code);
        Assert.Null(error.Param);
        Assert.True(error.IsUpstreamFailure);
    }

    [Fact]
    public void RateLimit429_KeepsStatusAndCode()
    {
        var error = _adaptor.ReadError(429, Fixture.Bytes("openai/error_429_rate_limit.json"));

        Assert.Equal(429, error.StatusCode);
        Assert.Equal("tokens", error.Type);
        Assert.Equal("rate_limit_exceeded", error.Code);
        Assert.Contains("Rate limit reached for gpt-4o", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HtmlBody_IsBadResponseStatusCode()
    {
        var error = _adaptor.ReadError(502, Fixture.Bytes("openai/error_502_html.html"));

        Assert.Equal(RelayErrorKind.UpstreamStatus, error.Kind);
        Assert.Equal(502, error.StatusCode);
        Assert.Equal("bad response status code 502", error.Message);
        Assert.Equal("upstream_error", error.Type);
        Assert.Equal("bad_response_status_code", error.Code);
        Assert.Equal("502", error.Param);
    }

    [Fact]
    public void EmptyBody_IsBadResponseStatusCode()
    {
        var error = _adaptor.ReadError(503, ReadOnlySpan<byte>.Empty);

        Assert.Equal("bad response status code 503", error.Message);
    }

    [Fact]
    public void ErrorAsString_UsesStringAsMessage()
    {
        var error = _adaptor.ReadError(400, """{"error":"model not supported"}"""u8);

        Assert.Equal(400, error.StatusCode);
        Assert.Equal("model not supported", error.Message);
        Assert.Equal("upstream_error", error.Type);
    }

    [Fact]
    public void ErrorWithNumericCode_ReadsCodeAsText()
    {
        var error = _adaptor.ReadError(500, """{"error":{"message":"boom","type":"server_error","code":500}}"""u8);

        Assert.Equal("boom", error.Message);
        Assert.Equal("500", error.Code);
    }

    [Fact]
    public void ErrorWithEmptyMessage_FallsBackToStatusText()
    {
        var error = _adaptor.ReadError(500, """{"error":{"message":"","type":"server_error"}}"""u8);

        Assert.Equal("bad response status code 500", error.Message);
        Assert.Equal("server_error", error.Type);
    }
}
