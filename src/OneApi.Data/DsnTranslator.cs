using System.Text;
using System.Text.RegularExpressions;

namespace OneApi.Data;

/// <summary>Turns one-api's DSNs (Go driver syntax) into ADO.NET connection strings.</summary>
internal static partial class DsnTranslator
{
    public static string PostgresUrlToConnectionString(string url)
    {
        var uri = new Uri(url);
        var builder = new StringBuilder();
        Append(builder, "Host", uri.Host);
        Append(builder, "Port", (uri.Port > 0 ? uri.Port : 5432).ToString(System.Globalization.CultureInfo.InvariantCulture));
        var userInfo = uri.UserInfo.Split(':', 2);
        Append(builder, "Username", Uri.UnescapeDataString(userInfo[0]));
        if (userInfo.Length > 1)
        {
            Append(builder, "Password", Uri.UnescapeDataString(userInfo[1]));
        }
        Append(builder, "Database", Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/')));
        foreach (var (key, value) in QueryPairs(uri.Query))
        {
            if (key.Equals("sslmode", StringComparison.OrdinalIgnoreCase))
            {
                Append(builder, "SSL Mode", value switch
                {
                    "disable" => "Disable",
                    "require" => "Require",
                    "verify-ca" => "VerifyCA",
                    "verify-full" => "VerifyFull",
                    "allow" => "Allow",
                    _ => "Prefer",
                });
            }
        }
        return builder.ToString();
    }

    /// <summary>
    /// Accepts go-sql-driver/mysql's <c>[user[:pass]@][net[(addr)]]/db[?params]</c> (the password may hold <c>@</c>;
    /// no address means 127.0.0.1:3306; <c>unix(path)</c> is a socket) or an ADO.NET string as it is.
    /// </summary>
    public static string MySqlDsnToConnectionString(string dsn)
    {
        var match = GoMySqlDsn().Match(dsn);
        if (!match.Success)
        {
            return dsn;
        }
        var builder = new StringBuilder();
        var address = match.Groups["addr"].Value;
        if (match.Groups["net"].Value == "unix")
        {
            Append(builder, "Server", address);
            Append(builder, "Protocol", "unix");
        }
        else
        {
            var hostPort = address.Split(':', 2);
            Append(builder, "Server", hostPort[0].Length == 0 ? "127.0.0.1" : hostPort[0]);
            Append(builder, "Port", hostPort.Length > 1 ? hostPort[1] : "3306");
        }
        Append(builder, "User ID", match.Groups["user"].Value);
        if (match.Groups["pass"].Success)
        {
            Append(builder, "Password", match.Groups["pass"].Value);
        }
        Append(builder, "Database", match.Groups["db"].Value);
        return builder.ToString();
    }

    private static IEnumerable<(string Key, string Value)> QueryPairs(string query)
    {
        foreach (var pair in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = pair.Split('=', 2);
            yield return (Uri.UnescapeDataString(parts[0]), parts.Length > 1 ? Uri.UnescapeDataString(parts[1]) : "");
        }
    }

    private static void Append(StringBuilder builder, string key, string value)
    {
        builder.Append(key).Append('=');
        if (value.IndexOfAny([';', '=', '"', '\'']) >= 0)
        {
            builder.Append('"').Append(value.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
        }
        else
        {
            builder.Append(value);
        }
        builder.Append(';');
    }

    // The password is greedy so the user part ends at the last '@' before the address, as the Go driver parses it.
    [GeneratedRegex(@"^(?<user>[^:@/;=]*)(:(?<pass>.*))?@((?<net>tcp|unix)?\((?<addr>[^)]*)\))?/(?<db>[^?/]*)(\?.*)?$")]
    private static partial Regex GoMySqlDsn();
}
