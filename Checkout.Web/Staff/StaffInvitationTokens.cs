using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;

namespace Checkout.Web.Staff;

/// <summary>
/// The token of an invitation link, an Identity token provider of its own (Identity's <c>DataProtectorTokenProvider</c>
/// reads the system clock; this one reads the app's <see cref="TimeProvider"/>, so a test can let a link expire). The
/// token is protected (not readable, not forgeable) and names the account, the purpose, when it was issued and the
/// account's security stamp: it is refused after <see cref="Lifetime"/>, and once the account's stamp changes, which
/// setting the password does. So a link works once.
/// </summary>
public sealed class StaffInvitationTokens(IDataProtectionProvider protection, TimeProvider clock) : IUserTwoFactorTokenProvider<IdentityUser>
{
    public const string ProviderName = "StaffInvitation";
    public const string Purpose = "AcceptStaffInvitation";

    /// <summary>How long an invitation link works.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(72);

    private readonly IDataProtector _protector = protection.CreateProtector("Checkout.Staff.Invitation");

    public async Task<string> GenerateAsync(string purpose, UserManager<IdentityUser> manager, IdentityUser user)
    {
        var payload = string.Join('\n',
            clock.GetUtcNow().ToUnixTimeMilliseconds(), await manager.GetUserIdAsync(user), purpose, await manager.GetSecurityStampAsync(user));
        return WebEncoders.Base64UrlEncode(_protector.Protect(Encoding.UTF8.GetBytes(payload)));
    }

    public async Task<bool> ValidateAsync(string purpose, string token, UserManager<IdentityUser> manager, IdentityUser user)
    {
        string[] parts;
        try
        {
            parts = Encoding.UTF8.GetString(_protector.Unprotect(WebEncoders.Base64UrlDecode(token))).Split('\n');
        }
        catch (Exception e) when (e is CryptographicException or FormatException)
        {
            return false;
        }
        if (parts is not [var issued, var userId, var tokenPurpose, var stamp] || !long.TryParse(issued, out var issuedAt))
        {
            return false;
        }
        var current = await manager.GetSecurityStampAsync(user);
        return DateTimeOffset.FromUnixTimeMilliseconds(issuedAt) + Lifetime >= clock.GetUtcNow()
            && userId == await manager.GetUserIdAsync(user)
            && tokenPurpose == purpose
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(stamp), Encoding.UTF8.GetBytes(current));
    }

    /// <summary>Not a second factor of sign-in.</summary>
    public Task<bool> CanGenerateTwoFactorTokenAsync(UserManager<IdentityUser> manager, IdentityUser user) => Task.FromResult(false);
}
