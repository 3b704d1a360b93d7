using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using OneApi.Data.Entities;
using OneApi.Server.Tests.Admin;
using OneApi.Server.Tests.Infrastructure;

namespace OneApi.Server.Tests.Security;

/// <summary>
/// One mailbox, one account: addresses are stored trimmed and lower-cased and refused when another account has them
/// in any case, and a reset link changes the password of the account it was sent for and of no other.
/// </summary>
public sealed partial class EmailIdentityTests(PlaintextSmtpPool pool) : IClassFixture<PlaintextSmtpPool>, IAsyncLifetime
{
    private readonly FakeSmtpServer _smtp = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _smtp.DisposeAsync();

    [GeneratedRegex("token=([0-9a-f]{32})")]
    private static partial Regex ResetToken();

    private async Task<TestGateway> GatewayWithSmtpAsync()
    {
        var gateway = await pool.GetAsync("sqlite");
        await gateway.MailThroughAsync(_smtp.Port);
        return gateway;
    }

    [Fact]
    public async Task LegacyRowsSharingAnAddressInAnotherCase_AResetChangesOnlyTheAccountItWasSentFor()
    {
        var gateway = await GatewayWithSmtpAsync();
        var local = "v" + Guid.NewGuid().ToString("N")[..8];
        using var victim = await gateway.MemberAsync();
        using var attacker = await gateway.MemberAsync();
        await using (var db = await gateway.DbAsync())
        {
            // as a database from before normalisation may hold them
            await db.Users.Where(u => u.Id == victim.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.Email, $"{local.ToUpperInvariant()}@Example.com"));
            await db.Users.Where(u => u.Id == attacker.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.Email, $"{local}@example.com"));
        }
        string victimHash;
        await using (var db = await gateway.DbAsync())
        {
            victimHash = await db.Users.Where(u => u.Id == victim.Id).Select(u => u.Password).SingleAsync();
        }

        (await gateway.Http.GetJsonAsync($"/api/reset_password?email={local}@example.com")).Data();
        var token = ResetToken().Match((await _smtp.MailToAsync($"{local}@example.com")).HtmlBody ?? "").Groups[1].Value;
        var password = (await gateway.Http.PostJsonAsync("/api/user/reset", new { email = $"{local.ToUpperInvariant()}@Example.com", token })).Data().GetString()!;

        await using (var db = await gateway.DbAsync())
        {
            Assert.Equal(victimHash, await db.Users.Where(u => u.Id == victim.Id).Select(u => u.Password).SingleAsync());
        }
        using var victimStill = await gateway.LoginAsync(victim.Username, ApiClient.Password);
        using var attackerNow = await gateway.LoginAsync(attacker.Username, password);
    }

    [Fact]
    public async Task AnAddressInUse_CannotBeTakenAgainInAnotherCase()
    {
        var gateway = await GatewayWithSmtpAsync();
        var email = $"o{Guid.NewGuid().ToString("N")[..8]}@example.com";
        using var owner = await gateway.MemberAsync();
        using var other = await gateway.MemberAsync();
        (await gateway.Admin.PutJsonAsync("/api/user/", new { id = owner.Id, email = $"  {email.ToUpperInvariant()} " })).Data();

        await using (var db = await gateway.DbAsync())
        {
            Assert.Equal(email, await db.Users.Where(u => u.Id == owner.Id).Select(u => u.Email).SingleAsync());
        }
        Assert.Equal("the email address is already in use", (await gateway.Admin.PutJsonAsync("/api/user/", new { id = other.Id, email = email.ToUpperInvariant() })).Failure());
        Assert.Equal("the email address is already in use", (await gateway.Http.GetJsonAsync($"/api/verification?email={email.ToUpperInvariant()}")).Failure());
        (await gateway.Admin.PutJsonAsync("/api/user/", new { id = owner.Id, email })).Data(); // keeping one's own address is no clash
    }

    [Fact]
    public async Task BindingAnAddressTakenSinceTheCodeWasSent_IsRefused()
    {
        var gateway = await GatewayWithSmtpAsync();
        var email = $"b{Guid.NewGuid().ToString("N")[..8]}@example.com";
        using var first = await gateway.MemberAsync();
        using var second = await gateway.MemberAsync();
        (await gateway.Http.GetJsonAsync($"/api/verification?email={email}")).Data();
        var code = EmailTests.CodeIn(await _smtp.MailToAsync(email));
        (await gateway.Admin.PutJsonAsync("/api/user/", new { id = first.Id, email })).Data();

        Assert.Equal("the email address is already in use",
            (await second.Client.GetJsonAsync($"/api/oauth/email/bind?email={email.ToUpperInvariant()}&code={code}")).Failure());

        await using var db = await gateway.DbAsync();
        Assert.Equal(1, await db.Users.CountAsync(u => u.Email == email));
    }
}
