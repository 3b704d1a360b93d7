using OneApi.Relay.Abstractions;
using OneApi.Relay.Adaptors.VertexAI;

namespace OneApi.Relay.Tests.Adaptors.VertexAI;

/// <summary>Claude on Vertex AI: model ids with '@', rawPredict URLs, Vertex's anthropic_version and a Bearer token.</summary>
public sealed class VertexAIClaudeAdaptorTests
{
    private readonly IChannelAdaptor _adaptor = TestAdaptors.For(ChannelTypes.VertexAI, "claude-3-7-sonnet-20250219", tokens: new StubTokens());

    private static UpstreamChannel Channel(string region = "us-east5") =>
        new(4, ChannelTypes.VertexAI, "", "", new ChannelConfig { Region = region, VertexAiProjectId = "my-project", VertexAiAdc = "{key}" });

    [Theory]
    [InlineData("claude-3-5-sonnet-20241022", "claude-3-5-sonnet-v2@20241022")]
    [InlineData("claude-3-7-sonnet-20250219", "claude-3-7-sonnet@20250219")]
    [InlineData("claude-sonnet-4-20250514", "claude-sonnet-4@20250514")]
    [InlineData("claude-future-20991231", "claude-future@20991231")]
    [InlineData("claude-3-haiku@20240307", "claude-3-haiku@20240307")]
    public void ModelIds_UseVertexVersionSyntax(string model, string expected) => Assert.Equal(expected, VertexHost.ClaudeId(model));

    [Fact]
    public async Task Request_RawPredictInTheRegion_WithVertexEnvelopeAndToken()
    {
        var request = Fixture.Request("""{"model":"claude-3-7-sonnet-20250219","messages":[{"role":"user","content":"Hi"}]}""");

        using var message = await _adaptor.BuildRequestAsync(request, Channel(), CancellationToken.None);

        Assert.Equal("https://us-east5-aiplatform.googleapis.com/v1/projects/my-project/locations/us-east5/publishers/anthropic/models/claude-3-7-sonnet@20250219:rawPredict",
            message.RequestUri!.OriginalString);
        Assert.Equal("Bearer token-for-{key}", message.Headers.Authorization!.ToString());
        var body = Fixture.BodyOf(message);
        Assert.Equal("vertex-2023-10-16", (string?)body["anthropic_version"]);
        Assert.Null(body["model"]);
        Assert.Equal(4096, (int)body["max_tokens"]!);
    }

    [Fact]
    public async Task StreamInGlobalRegion_UsesStreamRawPredictWithSse()
    {
        var request = Fixture.Request("""{"model":"claude-sonnet-4-20250514","stream":true,"messages":[]}""");

        using var message = await _adaptor.BuildRequestAsync(request, Channel("global"), CancellationToken.None);

        Assert.Equal("https://aiplatform.googleapis.com/v1/projects/my-project/locations/global/publishers/anthropic/models/claude-sonnet-4@20250514:streamRawPredict?alt=sse",
            message.RequestUri!.OriginalString);
        Assert.True((bool)Fixture.BodyOf(message)["stream"]!);
    }

    [Fact]
    public async Task TokenFailure_IsA401RelayError()
    {
        var adaptor = TestAdaptors.For(ChannelTypes.VertexAI, "claude-3-7-sonnet-20250219", tokens: new StubTokens(fail: true));

        var error = await Assert.ThrowsAsync<RelayErrorException>(async () =>
            await adaptor.BuildRequestAsync(Fixture.Request("""{"model":"claude-3-7-sonnet-20250219","messages":[]}"""), Channel(), CancellationToken.None));

        Assert.Equal(401, error.Error.StatusCode);
    }

    [Fact]
    public void GoogleErrorBody_IsRead()
    {
        var error = _adaptor.ReadError(403, """{"error":{"code":403,"message":"Permission denied on resource project my-project.","status":"PERMISSION_DENIED"}}"""u8);

        Assert.Equal((403, "Permission denied on resource project my-project."), (error.StatusCode, error.Message));
    }

    private sealed class StubTokens(bool fail = false) : IGoogleAccessTokens
    {
        public Task<string> GetAsync(string serviceAccountJson, CancellationToken cancellationToken) =>
            fail ? throw new InvalidOperationException("bad key") : Task.FromResult("token-for-" + serviceAccountJson);
    }
}

/// <summary>Vertex streams Claude's own SSE events.</summary>
public sealed class VertexAIClaudeStreamTests
{
    [Fact]
    public async Task StreamWithUsage_AndErrorEvent_ReadAsAnthropics()
    {
        var adaptor = TestAdaptors.For(ChannelTypes.VertexAI, "claude-3-7-sonnet-20250219", tokens: new NoTokens());
        var request = Fixture.Request("""{"model":"claude-3-7-sonnet-20250219","stream":true,"messages":[]}""");

        var frames = new List<StreamFrame>();
        await foreach (var frame in adaptor.ReadStreamAsync(Fixture.Stream("anthropic/stream_with_usage.sse"), request, CancellationToken.None))
        {
            frames.Add(frame);
        }
        var failed = new List<StreamFrame>();
        await foreach (var frame in adaptor.ReadStreamAsync(Fixture.Stream("anthropic/stream_error_midway.sse"), request, CancellationToken.None))
        {
            failed.Add(frame);
        }

        Assert.Equal("Hello!", string.Concat(frames.Select(f => f.Text)));
        Assert.Equal(Usage.Of(40, 15), frames.Single(f => f.Usage is not null).Usage);
        Assert.Equal("overloaded_error", failed[^1].Error!.Type);
    }

    private sealed class NoTokens : IGoogleAccessTokens
    {
        public Task<string> GetAsync(string serviceAccountJson, CancellationToken cancellationToken) => Task.FromResult("t");
    }
}
