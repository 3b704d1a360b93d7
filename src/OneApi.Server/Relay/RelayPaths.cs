namespace OneApi.Server.Relay;

/// <summary>The paths clients relay through: OpenAI's and Anthropic's under <c>/v1</c>, Gemini's under <c>/v1beta</c>.</summary>
public static class RelayPaths
{
    public static bool Contains(PathString path) => path.StartsWithSegments("/v1") || IsGemini(path);

    public static bool IsGemini(PathString path) => path.StartsWithSegments("/v1beta");
}
