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

    /// <summary>The order's payment was authorized: the use is the order's.</summary>
    Consumed,

    /// <summary>
    /// Given back: the checkout ended without an order, or its paid order was cancelled before shipment. It counts
    /// towards neither the code's limit nor the shopper's.
    /// </summary>
    Released,
}

/// <summary>
/// A promo code. <see cref="Used"/> counts reserved and consumed uses; it only moves by conditional updates
/// (<c>used &lt; usage_limit</c> to take one, <c>used &gt; 0</c> to give one back), so a limit holds under any number of
/// concurrent checkouts and cancels.
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
        : this(new PromoTerms(code, kind, value, startsAt, endsAt, usageLimit, perCustomerLimit, minSubtotalMinor, scopeSku, scopeCategory))
    {
    }

    /// <param name="requestId">The keyed request that creates it, so that the request, resumed, recognises its own code.</param>
    public PromoCode(PromoTerms terms, Guid? requestId = null)
    {
        if (terms.Validate() is { } error)
        {
            throw new ArgumentException(error.Message, nameof(terms));
        }
        Code = InputRules.NormalizeCode(terms.Code);
        Enabled = true;
        RequestId = requestId;
        Apply(terms);
    }

    public string Code { get; private set; } = "";

    /// <summary>The request that created the code, when it carried an Idempotency-Key.</summary>
    public Guid? RequestId { get; private set; }
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

    /// <summary>Changes the terms (not the code). A usage limit below the uses already taken is refused.</summary>
    public Error? Update(PromoTerms terms)
    {
        if (terms.Validate() is { } error)
        {
            return error;
        }
        if (terms.UsageLimit is { } limit && limit < Used)
        {
            return Error.Validation($"The usage limit cannot go below the {Used} uses already taken.");
        }
        Apply(terms);
        return null;
    }

    private void Apply(PromoTerms terms)
    {
        Kind = terms.Kind;
        Value = terms.Kind == PromoKind.FreeShipping ? 0 : terms.Value;
        StartsAt = terms.StartsAt;
        EndsAt = terms.EndsAt;
        UsageLimit = terms.UsageLimit;
        PerCustomerLimit = terms.PerCustomerLimit;
        MinSubtotalMinor = terms.MinSubtotalMinor;
        ScopeSku = string.IsNullOrWhiteSpace(terms.ScopeSku) ? null : terms.ScopeSku.Trim();
        ScopeCategory = string.IsNullOrWhiteSpace(terms.ScopeCategory) ? null : terms.ScopeCategory.Trim();
    }
}

/// <summary>What an admin sets on a promo code; <see cref="Validate"/> states every rule.</summary>
public sealed record PromoTerms(
    string Code, PromoKind Kind, long Value, DateTimeOffset? StartsAt = null, DateTimeOffset? EndsAt = null,
    int? UsageLimit = null, int? PerCustomerLimit = null, long MinSubtotalMinor = 0,
    string? ScopeSku = null, string? ScopeCategory = null)
{
    public Error? Validate()
    {
        if (InputRules.PromoCode(Code) is { } codeError)
        {
            return codeError;
        }
        if (!Enum.IsDefined(Kind))
        {
            return Error.Validation("The kind is Percentage, FixedAmount or FreeShipping.");
        }
        if (Kind == PromoKind.Percentage && Value is < 1 or > 100)
        {
            return Error.Validation("A percentage is between 1 and 100.");
        }
        if (Kind == PromoKind.FixedAmount && Value is <= 0 or > 10_000_000)
        {
            return Error.Validation("A fixed amount is more than 0 (and at most 100,000.00).");
        }
        if (StartsAt is not null && EndsAt is not null && EndsAt <= StartsAt)
        {
            return Error.Validation("A promo must end after it starts.");
        }
        if (UsageLimit is < 1 || PerCustomerLimit is < 1)
        {
            return Error.Validation("Usage limits are at least 1.");
        }
        if (MinSubtotalMinor is < 0 or > 10_000_000)
        {
            return Error.Validation("The minimum subtotal is between 0 and 100,000.00.");
        }
        if (!string.IsNullOrWhiteSpace(ScopeSku) && InputRules.Sku(ScopeSku.Trim()) is { } skuError)
        {
            return skuError;
        }
        return InputRules.IsText(ScopeCategory, 50, required: false) ? null : Error.Validation("A category is at most 50 printable characters.");
    }
}

/// <summary>One use of a promo code by one checkout session (at most one not released per session).</summary>
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
