using System.Globalization;
using System.Net;

namespace OneApi.Relay.Images;

/// <summary>Resolves host names for outbound fetches; tests put their own in place of DNS.</summary>
public interface IHostResolver
{
    Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken);
}

public sealed class SystemHostResolver : IHostResolver
{
    public static readonly SystemHostResolver Instance = new();

    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) => Dns.GetHostAddressesAsync(host, cancellationToken);
}

/// <summary>A destination the operator lets user content be fetched from although it is not public: a host name or address, and a port or any.</summary>
public sealed record AllowedDestination(string Host, int? Port)
{
    /// <summary>Reads <c>host</c>, <c>host:port</c>, <c>1.2.3.4:port</c> or <c>[::1]:port</c>.</summary>
    public static AllowedDestination Parse(string entry)
    {
        var value = entry.Trim();
        var colon = value.LastIndexOf(':');
        var bracketed = value.StartsWith('[');
        var hasPort = colon > 0 && (bracketed ? value[colon - 1] == ']' : value.IndexOf(':') == colon);
        var host = hasPort ? value[..colon] : value;
        int? port = null;
        if (hasPort)
        {
            if (!int.TryParse(value[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) || parsed is < 1 or > 65535)
            {
                throw new FormatException($"'{entry}' has no valid port");
            }
            port = parsed;
        }
        host = host.Trim('[', ']');
        if (host.Length == 0)
        {
            throw new FormatException($"'{entry}' has no host");
        }
        return new AllowedDestination(IPAddress.TryParse(host, out var address) ? Normalize(address).ToString() : host.ToLowerInvariant(), port);
    }

    internal bool Matches(string host, int port) => (Port is null || Port == port) && string.Equals(Host, host, StringComparison.OrdinalIgnoreCase);

    internal static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}

/// <summary>Thrown when a fetch would reach an address that is not public and not allowed by the operator.</summary>
public sealed class OutboundAddressRefusedException(string host) : Exception($"{host} is not a public address")
{
    public string Host { get; } = host;
}

/// <summary>
/// Which addresses a fetch on a client's behalf may connect to: public ones, and what the operator lists in
/// <c>USER_CONTENT_ALLOWED_HOSTS</c>. Checked when the connection is opened, on the addresses actually used, so a
/// redirect or a DNS answer that changes between check and use (rebinding) cannot reach an inner service.
/// </summary>
public sealed class OutboundAddressPolicy(IReadOnlyList<AllowedDestination> allowed, IHostResolver resolver)
{
    /// <summary>
    /// Loopback, private, shared (CGNAT), link-local (cloud metadata at 169.254.169.254), documentation, benchmark,
    /// multicast, reserved and unspecified ranges (IANA's special-purpose registries), and the IPv6 forms that embed an
    /// IPv4 address or route to one (IPv4-compatible, NAT64, 6to4, Teredo).
    /// </summary>
    private static readonly IPNetwork[] NotPublic =
    [
        .. new[]
        {
            "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.0.0.0/24",
            "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24",
            "224.0.0.0/4", "240.0.0.0/4",
            "::/96", "::1/128", "64:ff9b::/96", "64:ff9b:1::/48", "100::/64", "2001::/32", "2001:db8::/32", "2002::/16",
            "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8",
        }.Select(range => IPNetwork.Parse(range)),
    ];

    public static bool IsPublic(IPAddress address)
    {
        var normalized = AllowedDestination.Normalize(address);
        return !NotPublic.Any(range => range.Contains(normalized));
    }

    /// <summary>
    /// The addresses of <paramref name="host"/>, when every one of them may be reached on <paramref name="port"/>;
    /// throws <see cref="OutboundAddressRefusedException"/> otherwise. A host the operator allowed by name is not checked.
    /// </summary>
    public async Task<IPAddress[]> ResolvePermittedAsync(string host, int port, CancellationToken cancellationToken)
    {
        var name = host.Trim('[', ']');
        var literal = IPAddress.TryParse(name, out var parsed);
        var addresses = literal ? [parsed!] : await resolver.ResolveAsync(name, cancellationToken).ConfigureAwait(false);
        if (!literal && allowed.Any(a => a.Matches(name, port)))
        {
            return addresses;
        }
        if (addresses.Length == 0 || !addresses.All(address => IsPublic(address) || allowed.Any(a => a.Matches(AllowedDestination.Normalize(address).ToString(), port))))
        {
            throw new OutboundAddressRefusedException(name);
        }
        return addresses;
    }

    /// <summary>Resolves a host without judging it: for the operator's own proxy.</summary>
    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) =>
        IPAddress.TryParse(host.Trim('[', ']'), out var literal) ? Task.FromResult<IPAddress[]>([literal]) : resolver.ResolveAsync(host, cancellationToken);
}
