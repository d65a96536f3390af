using System.Net;
using Checkout.Web.Staff;

namespace Checkout.Tests.Admin;

/// <summary>The sign-in and sign-out endpoints: lockout, where they send the browser, and their antiforgery check.</summary>
public class AdminSignInTests(AdminApp shop) : IClassFixture<AdminApp>
{
    [Fact]
    public async Task FiveWrongPasswords_LockTheAccount_SoTheRightOneIsRefusedWithALockoutMessage()
    {
        const string email = "locked-admin@test.local";
        await shop.App.CreateUserAsync(email, AdminFactory.AdminPassword, StaffRoles.Admin);
        using var browser = shop.App.Browser();
        for (var attempt = 1; attempt <= 5; attempt++)
        {
            var wrong = await AdminFactory.SignInAsync(browser, email, $"Wrong-Passw0rd-{attempt}!");
            var expected = attempt < 5 ? "error=invalid" : "error=locked-out";
            Assert.Equal($"/admin/sign-in?{expected}", wrong.Headers.Location?.OriginalString);
        }

        var right = await AdminFactory.SignInAsync(browser, email, AdminFactory.AdminPassword);

        Assert.Equal(HttpStatusCode.Redirect, right.StatusCode);
        Assert.Equal("/admin/sign-in?error=locked-out", right.Headers.Location?.OriginalString);
        var page = await (await browser.GetAsync(right.Headers.Location)).Content.ReadAsStringAsync();
        Assert.Contains("Too many failed attempts: this account is locked", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync("/admin")).StatusCode);
    }

    [Fact]
    public async Task AWrongPassword_IsRefusedWithoutSayingWhichFieldWasWrong()
    {
        using var browser = shop.App.Browser();

        var response = await AdminFactory.SignInAsync(browser, AdminFactory.AdminEmail, "Not-The-Passw0rd!", returnUrl: "/admin/orders");

        Assert.Equal("/admin/sign-in?error=invalid&ReturnUrl=%2Fadmin%2Forders", response.Headers.Location?.OriginalString);
        var page = await (await browser.GetAsync(response.Headers.Location)).Content.ReadAsStringAsync();
        Assert.Contains("The email or password is not right.", page, StringComparison.Ordinal);
        Assert.Contains("name=\"returnUrl\" value=\"/admin/orders\"", page, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/admin/orders", "/admin/orders")]
    [InlineData("/admin/orders?status=CONFIRMED", "/admin/orders?status=CONFIRMED")]
    [InlineData("https://evil.example/admin", "/admin")]
    [InlineData("//evil.example/admin", "/admin")]
    [InlineData("/\\evil.example/admin", "/admin")]
    [InlineData("admin", "/admin")]
    public async Task SignIn_GoesToTheReturnUrlOnlyWhenItIsOnThisSite(string returnUrl, string expected)
    {
        using var browser = shop.App.Browser();

        var response = await AdminFactory.SignInAsync(browser, AdminFactory.AdminEmail, AdminFactory.AdminPassword, returnUrl);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(expected, response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task SignIn_WithoutTheAntiforgeryToken_SignsNobodyIn()
    {
        using var browser = shop.App.Browser();
        await browser.GetAsync("/admin/sign-in");

        var response = await browser.PostAsync("/admin/sign-in", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["email"] = AdminFactory.AdminEmail,
            ["password"] = AdminFactory.AdminPassword,
        }));

        Assert.Equal("/admin/sign-in?error=expired", response.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync("/admin")).StatusCode);
    }

    [Fact]
    public async Task SignOut_EndsTheSession()
    {
        using var browser = await shop.App.SignedInAsync(AdminFactory.AdminEmail, AdminFactory.AdminPassword);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/admin")).StatusCode);
        var token = await AdminFactory.AntiforgeryTokenAsync(browser, "/admin");

        var response = await browser.PostAsync("/admin/sign-out", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
        }));

        Assert.Equal("/admin/sign-in", response.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync("/admin")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/api/admin/orders")).StatusCode);
    }

    [Fact]
    public async Task SignOut_WithoutTheAntiforgeryToken_KeepsTheSession()
    {
        using var browser = await shop.App.SignedInAsync(AdminFactory.AdminEmail, AdminFactory.AdminPassword);

        var response = await browser.PostAsync("/admin/sign-out", new FormUrlEncodedContent([]));

        Assert.Equal("/admin/sign-in?error=expired", response.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/admin")).StatusCode);
    }
}
