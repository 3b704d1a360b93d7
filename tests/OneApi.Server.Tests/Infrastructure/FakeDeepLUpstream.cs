using Microsoft.AspNetCore.Http;

namespace OneApi.Server.Tests.Infrastructure;

/// <summary>DeepL's <c>/v2/translate</c> on loopback: one fixed translation, whatever the target language.</summary>
public sealed class FakeDeepLUpstream : FakeUpstreamHost
{
    public const string Translation = "おはようございます";

    public static Task<FakeDeepLUpstream> StartAsync() => StartAsync(new FakeDeepLUpstream());

    protected override Task HandleAsync(HttpContext context, string caseId, string scenario, UpstreamCall call) =>
        WriteJsonAsync(context.Response, 200, $$"""{"translations":[{"detected_source_language":"EN","text":"{{Translation}}"}]}""");
}
