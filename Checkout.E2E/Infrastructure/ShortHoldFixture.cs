namespace Checkout.E2E.Infrastructure;

/// <summary>
/// A shop whose holds run out in seconds, swept every second, so a journey can watch a reservation expire. Fifteen
/// seconds is also the time a shopper has between reserving and paying here, which a test browser needs about two of
/// (several on a loaded machine).
/// </summary>
public sealed class ShortHoldFixture : StorefrontFixture
{
    public static readonly TimeSpan HoldTtl = TimeSpan.FromSeconds(15);

    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["Checkout:HoldTtl"] = HoldTtl.ToString("c"),
        ["Checkout:SweepInterval"] = "00:00:01",
        ["Checkout:WaitlistClaimWindow"] = "00:01:00",
    };
}
