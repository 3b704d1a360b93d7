using OneApi.Server.Tests.Infrastructure;

namespace OneApi.Server.Tests.Admin;

/// <summary>Gateways that may mail the plaintext <see cref="FakeSmtpServer"/>: <c>SMTP_ALLOW_INSECURE</c>, set on purpose.</summary>
public sealed class PlaintextSmtpPool : GatewayPool
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["SMTP_ALLOW_INSECURE"] = "true" };
}
