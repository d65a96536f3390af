using Checkout.Data.Common;

namespace Checkout.Data.Promotions;

public enum PromoKind
{
    Percentage,
    FixedAmount,
    FreeShipping,
}

public enum RedemptionStatus
{
    /// <summary>Taken when checkout starts; given back if the checkout fails or expires.</summary>
    Reserved,

    /// <summary>The order was confirmed.</summary>
    Consumed,

    Released,
}

/// <summary>
/// A promo code. <see cref="Used"/> counts reserved and consumed uses; it only moves by conditional updates
/// (<c>used &lt; usage_limit</c>), so a limit holds under any number of concurrent checkouts.
/// </summary>
public sealed class PromoCode
{
    private PromoCode()
    {
    }

    public PromoCode(
        string code, PromoKind kind, long value, DateTimeOffset? startsAt = null, DateTimeOffset? endsAt = null,
        int? usageLimit = null, int? perCustomerLimit = null, long minSubtotalMinor = 0,
        string? scopeSku = null, string? scopeCategory = null)
    {
        if (InputRules.PromoCode(code) is { } error)
        {
            throw new ArgumentException(error.Message, nameof(code));
        }
        if (kind == PromoKind.Percentage && value is < 1 or > 100)
        {
            throw new ArgumentOutOfRangeException(nameof(value), "A percentage is 1–100.");
        }
        if (kind == PromoKind.FixedAmount && value <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(value), "A fixed amount is positive.");
        }
        if (startsAt is not null && endsAt is not null && endsAt <= startsAt)
        {
            throw new ArgumentException("A promo must end after it starts.", nameof(endsAt));
        }
        if (usageLimit is < 1 || perCustomerLimit is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(usageLimit), "Limits are at least 1.");
        }
        Code = InputRules.NormalizeCode(code);
        Kind = kind;
        Value = kind == PromoKind.FreeShipping ? 0 : value;
        StartsAt = startsAt;
        EndsAt = endsAt;
        UsageLimit = usageLimit;
        PerCustomerLimit = perCustomerLimit;
        MinSubtotalMinor = minSubtotalMinor;
        ScopeSku = scopeSku;
        ScopeCategory = scopeCategory;
        Enabled = true;
    }

    public string Code { get; private set; } = "";
    public PromoKind Kind { get; private set; }

    /// <summary>Percent (1–100) for <see cref="PromoKind.Percentage"/>, minor units for a fixed amount.</summary>
    public long Value { get; private set; }

    public DateTimeOffset? StartsAt { get; private set; }
    public DateTimeOffset? EndsAt { get; private set; }
    public int? UsageLimit { get; private set; }
    public int Used { get; private set; }
    public int? PerCustomerLimit { get; private set; }
    public long MinSubtotalMinor { get; private set; }
    public string? ScopeSku { get; private set; }
    public string? ScopeCategory { get; private set; }
    public bool Enabled { get; private set; }

    public void Disable() => Enabled = false;
}

/// <summary>One use of a promo code by one checkout session (unique per session).</summary>
public sealed class PromoRedemption
{
    private PromoRedemption()
    {
    }

    public PromoRedemption(string code, Guid checkoutSessionId, string email, DateTimeOffset now)
    {
        Id = Guid.CreateVersion7(now);
        Code = code;
        CheckoutSessionId = checkoutSessionId;
        Email = email;
        CreatedAt = now;
        Status = RedemptionStatus.Reserved;
    }

    public Guid Id { get; private set; }
    public string Code { get; private set; } = "";
    public Guid CheckoutSessionId { get; private set; }
    public string Email { get; private set; } = "";
    public DateTimeOffset CreatedAt { get; private set; }
    public RedemptionStatus Status { get; private set; }
}
