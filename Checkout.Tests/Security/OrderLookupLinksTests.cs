using Checkout.Web.Orders;
using Checkout.Web.Security;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Time.Testing;

namespace Checkout.Tests.Security;

/// <summary>
/// A find-my-order token opens its email's orders for 24 hours on the shop's clock, and nothing else opens them: not
/// an altered token, not a key of another purpose, not a token of another key ring.
/// </summary>
public class OrderLookupLinksTests
{
    private const string Email = "shopper@example.com";

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly EphemeralDataProtectionProvider _keyRing = new();

    [Fact]
    public void AToken_OpensItsEmail_UntilTwentyFourHoursHavePassed()
    {
        var links = new OrderLookupLinks(_keyRing, _clock);
        var (token, expiresAt) = links.Issue(Email);
        Assert.Equal(_clock.GetUtcNow().AddHours(24), expiresAt);

        Assert.Equal(new OrderLookupGrant(Email, expiresAt), links.Open(token));
        _clock.Advance(new TimeSpan(23, 59, 0));
        Assert.Equal(Email, links.Open(token)?.Email);
        Assert.False(links.HasExpired(token));

        _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Null(links.Open(token));
        Assert.True(links.HasExpired(token));
        _clock.Advance(TimeSpan.FromDays(30));
        Assert.Null(links.Open(token));
    }

    [Fact]
    public void EachToken_IsNew_AndCarriesNeitherTheEmailNorTheExpiryInTheClear()
    {
        var links = new OrderLookupLinks(_keyRing, _clock);

        var first = links.Issue(Email).Token;
        var second = links.Issue(Email).Token;

        Assert.NotEqual(first, second);
        Assert.DoesNotContain("shopper", first, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(Email)).TrimEnd('='), first, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryAlteredToken_OpensNothing_AndIsNotTakenForAnExpiredOne()
    {
        var links = new OrderLookupLinks(_keyRing, _clock);
        var token = links.Issue(Email).Token;

        for (var i = 0; i < token.Length; i++)
        {
            var altered = token[..i] + (token[i] == 'A' ? 'B' : 'A') + token[(i + 1)..];
            Assert.Null(links.Open(altered));
            Assert.False(links.HasExpired(altered), $"The token altered at {i} was read as an expired one.");
        }
        Assert.Null(links.Open(token[..^4]));
        Assert.Null(links.Open(token + "A"));
        Assert.Null(links.Open(""));
        Assert.Null(links.Open(null));
        Assert.Null(links.Open(new string('A', 5000)));
    }

    [Fact]
    public void AKeyOfAnotherPurpose_OrATokenOfAnotherKeyRing_OpensNothing()
    {
        var links = new OrderLookupLinks(_keyRing, _clock);
        // Bytes that would read as a far expiry and an email, protected as a link of another kind.
        var otherPurpose = new LinkKeys(_keyRing, "Checkout.OrderLink").Issue([0x7F, 0, 0, 0, 0, 0, 0, 0, (byte)'a', (byte)'@', (byte)'b']);
        var otherRing = new OrderLookupLinks(new EphemeralDataProtectionProvider(), _clock).Issue(Email).Token;

        Assert.Null(links.Open(otherPurpose));
        Assert.Null(links.Open(otherRing));
        Assert.False(links.HasExpired(otherRing));
    }
}
