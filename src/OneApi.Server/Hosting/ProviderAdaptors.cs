using OneApi.Relay.Abstractions;
using OneApi.Relay.Adaptors.Anthropic;
using OneApi.Relay.Adaptors.AwsBedrock;
using OneApi.Relay.Adaptors.Azure;
using OneApi.Relay.Adaptors.VertexAI;
using OneApi.Relay.Adaptors.OpenAI;
using OneApi.Relay.Images;
using OneApi.Server.Configuration;

namespace OneApi.Server.Hosting;

/// <summary>Registers one adaptor per provider; the registry keys them by the channel types they declare.</summary>
public static class ProviderAdaptors
{
    public static IServiceCollection AddProviderAdaptors(this IServiceCollection services, GatewaySettings settings)
    {
        var openAIOptions = new OpenAIRequestOptions { OpenRouterProviderSort = settings.OpenRouterProviderSort };
        services.AddSingleton<IHostResolver>(SystemHostResolver.Instance);
        services.AddSingleton(sp => UserImageFetcher.Create(
            new OutboundAddressPolicy(settings.UserContentAllowedHosts, sp.GetRequiredService<IHostResolver>()),
            settings.UserContentLimits, settings.UserContentProxy));

        services.AddSingleton<IChannelAdaptor>(new OpenAIAdaptor(openAIOptions));
        services.AddSingleton<IChannelAdaptor>(new AzureAdaptor(openAIOptions));
        services.AddSingleton<IChannelAdaptor>(sp => new AnthropicAdaptor(sp.GetRequiredService<UserImageFetcher>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IChannelAdaptor>(sp => new AwsBedrockAdaptor(sp.GetRequiredService<UserImageFetcher>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IGoogleAccessTokens, GoogleServiceAccountTokens>();
        services.AddSingleton<IChannelAdaptor>(sp => new VertexAIClaudeAdaptor(sp.GetRequiredService<IGoogleAccessTokens>(),
            sp.GetRequiredService<UserImageFetcher>(), sp.GetRequiredService<TimeProvider>()));
        return services;
    }
}
