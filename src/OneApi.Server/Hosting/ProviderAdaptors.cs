using OneApi.Relay.Abstractions;
using OneApi.Relay.Adaptors;
using OneApi.Relay.Adaptors.Anthropic;
using OneApi.Relay.Adaptors.AwsBedrock;
using OneApi.Relay.Adaptors.Baidu;
using OneApi.Relay.Adaptors.Cloudflare;
using OneApi.Relay.Adaptors.DashScope;
using OneApi.Relay.Adaptors.DeepL;
using OneApi.Relay.Adaptors.Azure;
using OneApi.Relay.Adaptors.Gemini;
using OneApi.Relay.Adaptors.Ollama;
using OneApi.Relay.Adaptors.OpenAI;
using OneApi.Relay.Adaptors.Tencent;
using OneApi.Relay.Adaptors.Replicate;
using OneApi.Relay.Adaptors.VertexAI;
using OneApi.Relay.Adaptors.Xunfei;
using OneApi.Relay.Adaptors.Zhipu;
using OneApi.Relay.Images;
using OneApi.Server.Configuration;

namespace OneApi.Server.Hosting;

/// <summary>Registers one instance of each host and the wire-format settings; the catalogue pairs them per channel type.</summary>
public static class ProviderAdaptors
{
    public static IServiceCollection AddProviderAdaptors(this IServiceCollection services, GatewaySettings settings)
    {
        var gemini = new GeminiOptions { SafetySetting = settings.GeminiSafetySetting, Version = settings.GeminiVersion };
        services.AddSingleton<IHostResolver>(SystemHostResolver.Instance);
        services.AddSingleton(sp => UserImageFetcher.Create(
            new OutboundAddressPolicy(settings.UserContentAllowedHosts, sp.GetRequiredService<IHostResolver>()),
            settings.UserContentLimits, settings.UserContentProxy));
        services.AddSingleton<IGoogleAccessTokens, GoogleServiceAccountTokens>();

        services.AddSingleton<IUpstreamHost, BearerHost>();
        services.AddSingleton<IUpstreamHost, CloudflareHost>();
        services.AddSingleton<IUpstreamHost>(JsonLinesHost.Ollama);
        services.AddSingleton<IUpstreamHost>(JsonLinesHost.Cohere);
        services.AddSingleton<IUpstreamHost, DeepLHost>();
        services.AddSingleton<IUpstreamHost>(sp => new SparkHost(sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IUpstreamHost>(sp => new TencentHost(sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IUpstreamHost>(ConfiguredBearerHost.Coze);
        services.AddSingleton<IUpstreamHost>(ConfiguredBearerHost.AIProxyLibrary);
        services.AddSingleton<IUpstreamHost>(sp => new ReplicateHost(sp.GetRequiredService<TimeProvider>(), settings.ReplicatePollTimeout));
        services.AddSingleton<IUpstreamHost>(sp => new ZhipuHost(new ZhipuTokens(sp.GetRequiredService<TimeProvider>())));
        services.AddSingleton<IUpstreamHost>(sp => new BaiduHost(new BaiduAccessTokens(
            () => sp.GetRequiredService<IHttpClientFactory>().CreateClient(Relay.UpstreamCall.ClientName), sp.GetRequiredService<TimeProvider>())));
        services.AddSingleton<IUpstreamHost, DashScopeHost>();
        services.AddSingleton<IUpstreamHost, AzureHost>();
        services.AddSingleton<IUpstreamHost, AnthropicHost>();
        services.AddSingleton<IUpstreamHost>(sp => new BedrockHost(sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IUpstreamHost>(new GoogleAIHost(gemini));
        services.AddSingleton<IUpstreamHost>(sp => new VertexHost(sp.GetRequiredService<IGoogleAccessTokens>()));
        services.AddSingleton(sp => new WireFormatSettings(new OpenAIRequestOptions { OpenRouterProviderSort = settings.OpenRouterProviderSort }, gemini,
            sp.GetRequiredService<UserImageFetcher>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new ChannelAdaptors(sp.GetRequiredService<WireFormatSettings>(), sp.GetServices<IUpstreamHost>()));
        return services;
    }
}
