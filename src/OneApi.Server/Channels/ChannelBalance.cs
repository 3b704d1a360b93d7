using System.Globalization;
using System.Text.Json;
using OneApi.Data.Entities;
using OneApi.Relay.Catalog;
using OneApi.Server.Relay;

namespace OneApi.Server.Channels;

/// <summary>
/// Reads a channel's remaining credit from its vendor's billing endpoint (one-api's <c>update_balance</c>), in the
/// vendor's unit: USD for most, CNY for DeepSeek and SiliconFlow, as one-api stores them. The channel's base URL,
/// when set, replaces the vendor's host, so a proxy (or a test double) is asked instead.
/// </summary>
public sealed class ChannelBalance(IHttpClientFactory clients, TimeProvider time)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public static bool IsSupported(int type) => BalanceApiOf(type) != BalanceApi.None;

    private static BalanceApi BalanceApiOf(int type) => ChannelTypes.Find(type)?.Balance ?? BalanceApi.None;

    /// <summary>The balance, or why it could not be read.</summary>
    public async Task<(double? Balance, string? Error)> ReadAsync(Channel channel, CancellationToken cancellationToken)
    {
        if (!IsSupported(channel.Type))
        {
            return (null, $"balance is not available for channel type {ChannelTypes.NameOf(channel.Type)}");
        }
        var baseUrl = (string.IsNullOrWhiteSpace(channel.BaseUrl) ? ChannelTypes.Find(channel.Type)?.DefaultBaseUrl ?? "" : channel.BaseUrl).TrimEnd('/');
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            return (await ReadForTypeAsync(channel, baseUrl, timeout.Token), null);
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or OperationCanceledException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return (null, $"could not read the balance: {e.Message}");
        }
    }

    private Task<double> ReadForTypeAsync(Channel channel, string baseUrl, CancellationToken cancellationToken) => BalanceApiOf(channel.Type) switch
    {
        BalanceApi.CreditGrants => Number(GetAsync($"{baseUrl}/dashboard/billing/credit_grants", channel.Key, cancellationToken), "total_available"),
        BalanceApi.CreditGrantsRemaining => Number(GetAsync($"{baseUrl}/dashboard/billing/credit_grants", channel.Key, cancellationToken), "total_remaining"),
        BalanceApi.OpenAISB => Number(GetAsync($"{baseUrl}/sb-api/user/status?api_key={Uri.EscapeDataString(channel.Key)}", null, cancellationToken), "data", "credit"),
        BalanceApi.AIProxy => Number(GetAsync($"{baseUrl}/api/report/getUserOverview", null, cancellationToken, ("Api-Key", channel.Key)), "data", "totalPoints"),
        BalanceApi.SiliconFlow => Number(GetAsync($"{baseUrl}/v1/user/info", channel.Key, cancellationToken), "data", "totalBalance"),
        BalanceApi.DeepSeek => DeepSeekAsync(baseUrl, channel.Key, cancellationToken),
        BalanceApi.OpenRouter => OpenRouterAsync(baseUrl, channel.Key, cancellationToken),
        _ => OpenAIAsync(baseUrl, channel.Key, cancellationToken),
    };

    /// <summary>OpenAI's legacy billing: the hard limit less the last hundred days of usage (reported in cents).</summary>
    private async Task<double> OpenAIAsync(string baseUrl, string key, CancellationToken cancellationToken)
    {
        using var subscription = await GetAsync($"{baseUrl}/v1/dashboard/billing/subscription", key, cancellationToken);
        var limit = subscription.RootElement.GetProperty("hard_limit_usd").GetDouble();
        var today = time.GetUtcNow();
        var range = string.Create(CultureInfo.InvariantCulture, $"start_date={today.AddDays(-100):yyyy-MM-dd}&end_date={today.AddDays(1):yyyy-MM-dd}");
        using var usage = await GetAsync($"{baseUrl}/v1/dashboard/billing/usage?{range}", key, cancellationToken);
        return limit - usage.RootElement.GetProperty("total_usage").GetDouble() / 100;
    }

    private async Task<double> DeepSeekAsync(string baseUrl, string key, CancellationToken cancellationToken)
    {
        using var answer = await GetAsync($"{baseUrl}/user/balance", key, cancellationToken);
        var cny = answer.RootElement.GetProperty("balance_infos").EnumerateArray().First(b => b.GetProperty("currency").GetString() == "CNY");
        return ToDouble(cny.GetProperty("total_balance"));
    }

    private async Task<double> OpenRouterAsync(string baseUrl, string key, CancellationToken cancellationToken)
    {
        using var answer = await GetAsync($"{baseUrl}/v1/credits", key, cancellationToken);
        var data = answer.RootElement.GetProperty("data");
        return ToDouble(data.GetProperty("total_credits")) - ToDouble(data.GetProperty("total_usage"));
    }

    private static async Task<double> Number(Task<JsonDocument> answer, params string[] path)
    {
        using var document = await answer;
        var element = document.RootElement;
        foreach (var name in path)
        {
            element = element.GetProperty(name);
        }
        return ToDouble(element);
    }

    /// <summary>Vendors send balances as numbers or as numeric strings.</summary>
    private static double ToDouble(JsonElement value) => value.ValueKind == JsonValueKind.String
        ? double.Parse(value.GetString()!, NumberStyles.Float, CultureInfo.InvariantCulture)
        : value.GetDouble();

    private async Task<JsonDocument> GetAsync(string url, string? bearer, CancellationToken cancellationToken, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (bearer is not null)
        {
            request.Headers.Authorization = new("Bearer", bearer);
        }
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        using var response = await clients.CreateClient(UpstreamCall.ClientName).SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"the vendor answered {(int)response.StatusCode}");
        }
        return await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
    }
}
