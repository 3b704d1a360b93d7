using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OneApi.Server.Mail;
using OneApi.Server.Tests.Infrastructure;

namespace OneApi.Server.Tests.Admin;

/// <summary>Users are mailed when a charge takes their quota below <c>QuotaRemindThreshold</c> or to nothing, once per crossing.</summary>
public sealed class QuotaReminderTests(PlaintextSmtpPool pool) : IClassFixture<PlaintextSmtpPool>, IAsyncLifetime
{
    private readonly FakeSmtpServer _smtp = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _smtp.DisposeAsync();

    private async Task<(TestGateway Gateway, TestAccount Account, string Email)> UserWithEmailAsync(long quota)
    {
        var gateway = await pool.GetAsync("sqlite");
        await gateway.SetOptionAsync("SMTPServer", "127.0.0.1");
        await gateway.SetOptionAsync("SMTPPort", _smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await gateway.SetOptionAsync("SMTPFrom", "gateway@example.com");
        await gateway.SetOptionAsync("ServerAddress", "https://console.example.com");
        var account = await gateway.CreateAccountAsync(userQuota: quota);
        var email = account.Group + "@example.com";
        await using var db = await gateway.DbAsync();
        await db.Users.Where(u => u.Id == account.UserId).ExecuteUpdateAsync(s => s.SetProperty(u => u.Email, email));
        return (gateway, account, email);
    }

    [Fact]
    public async Task ChargeAcrossTheThreshold_MailsTheUserOnce()
    {
        var (gateway, account, email) = await UserWithEmailAsync(quota: 500_000);
        await gateway.CreateChannelAsync(account.Group, "gpt-4o-mini", pool.Upstream.BaseUrl(account.Group, "ok"));
        await gateway.SetOptionAsync("QuotaRemindThreshold", "499999");
        try
        {
            await gateway.ChatAsync(account.Key);

            var mail = await _smtp.MailToAsync(email);
            Assert.Equal("Your quota is running low", mail.Subject);
            Assert.Contains("https://console.example.com/topup", mail.HtmlBody);
            await gateway.ChatAsync(account.Key); // already below: no second reminder
            await Task.Delay(500);
            Assert.Equal(1, _smtp.CountTo(email));
        }
        finally
        {
            await gateway.SetOptionAsync("QuotaRemindThreshold", "1000");
            await gateway.SetOptionAsync("SMTPServer", "");
        }
    }

    [Fact]
    public async Task ChargeThatUsesTheLastOfTheQuota_SaysItHasRunOut()
    {
        var (gateway, account, email) = await UserWithEmailAsync(quota: 0);
        try
        {
            await gateway.Services.GetRequiredService<QuotaReminder>().RemindAsync(new Dictionary<int, long> { [account.UserId] = 700 });

            Assert.Equal("Your quota has run out", (await _smtp.MailToAsync(email)).Subject);
        }
        finally
        {
            await gateway.SetOptionAsync("SMTPServer", "");
        }
    }
}
