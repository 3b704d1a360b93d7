using System.Globalization;
using OneApi.Server.Options;

namespace OneApi.Server.Admin;

/// <summary>one-api's <c>LogQuota</c>: a quota amount as log text, in dollars when the console shows currency.</summary>
public static class QuotaText
{
    public static string Of(long quota, RuntimeOptions options) =>
        options.GetBool("DisplayInCurrencyEnabled")
            ? string.Create(CultureInfo.InvariantCulture, $"${quota / options.QuotaPerUnit:F6} quota")
            : string.Create(CultureInfo.InvariantCulture, $"{quota} quota points");
}
