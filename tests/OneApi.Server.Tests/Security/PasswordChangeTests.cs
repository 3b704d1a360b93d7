using OneApi.Data.Entities;
using OneApi.Server.Tests.Admin;
using OneApi.Server.Tests.Infrastructure;

namespace OneApi.Server.Tests.Security;

/// <summary>
/// A stolen session or access token cannot take the account over by setting a new password: the current one is
/// asked for, root included. Admins resetting someone else's password need not know it.
/// </summary>
public sealed class PasswordChangeTests(GatewayPool pool) : IClassFixture<GatewayPool>
{
    [Fact]
    public async Task StolenSession_CannotSetANewPasswordWithoutTheCurrentOne()
    {
        var gateway = await pool.GetAsync("sqlite");
        using var member = await gateway.MemberAsync();
        using var attacker = gateway.WithCookie(await gateway.SessionCookieAsync(member.Username, ApiClient.Password));

        Assert.Equal("the current password is missing or wrong",
            (await attacker.PutJsonAsync("/api/user/self", new { password = "attacker-pass" })).Failure());
        Assert.Equal("the current password is missing or wrong",
            (await attacker.PutJsonAsync("/api/user/self", new { password = "attacker-pass", original_password = "guessed-pass" })).Failure());

        (await attacker.GetJsonAsync("/api/user/self")).Data(); // nothing changed: the session still stands
        using var owner = await gateway.LoginAsync(member.Username, ApiClient.Password);
    }

    [Fact]
    public async Task StolenAccessToken_CannotSetRootsPassword()
    {
        var gateway = await pool.GetAsync("sqlite");

        var rootId = (await gateway.Admin.GetJsonAsync("/api/user/self")).Data().GetProperty("id").GetInt32();

        Assert.Equal("the current password is missing or wrong",
            (await gateway.Admin.PutJsonAsync("/api/user/self", new { password = "attacker-pass" })).Failure());
        Assert.Equal("change your own password with PUT /api/user/self and your current password",
            (await gateway.Admin.PutJsonAsync("/api/user/", new { id = rootId, password = "attacker-pass" })).Failure());

        using var root = await gateway.LoginAsync("root", "123456");
    }

    [Fact]
    public async Task AdminResettingAnotherUsersPassword_NeedsNoCurrentPassword()
    {
        var gateway = await pool.GetAsync("sqlite");
        using var admin = await gateway.MemberAsync(UserRole.Admin);
        using var member = await gateway.MemberAsync();

        (await admin.Client.PutJsonAsync("/api/user/", new { id = member.Id, password = "set-by-admin" })).Data();

        using var login = await gateway.LoginAsync(member.Username, "set-by-admin");
    }
}
