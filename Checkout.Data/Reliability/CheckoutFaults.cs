namespace Checkout.Data.Reliability;

/// <summary>
/// The moments of a checkout where the process can die with work half done, in the order they happen. Each leaves a
/// different durable state behind, and recovery (the shopper's retry or <see cref="OrderReconciler"/>) must finish
/// or undo every one of them.
/// </summary>
public enum CheckoutFaultPoint
{
    /// <summary>The PENDING order row is saved; the gateway has not been asked to authorize.</summary>
    BeforeAuthorize,

    /// <summary>The gateway approved the authorization; the order is still PENDING and no payment row records it.</summary>
    AuthorizedNotRecorded,

    /// <summary>PAYMENT_AUTHORIZED, the payment row and the sold stock are committed; capture has not been asked.</summary>
    RecordedNotCaptured,

    /// <summary>The gateway captured the money; the order is still PAYMENT_AUTHORIZED.</summary>
    CapturedNotConfirmed,

    /// <summary>CONFIRMED and its outbox message are committed; the message has not been dispatched.</summary>
    ConfirmedNotDispatched,
}

/// <summary>
/// A seam for crash tests: the checkout calls it at each <see cref="CheckoutFaultPoint"/>, and an implementation may
/// throw there to stop the call dead, as a crash would. The registered implementation does nothing.
/// </summary>
public interface ICheckoutFaults
{
    void At(CheckoutFaultPoint point, Guid checkoutSessionId);
}

internal sealed class NoCheckoutFaults : ICheckoutFaults
{
    public void At(CheckoutFaultPoint point, Guid checkoutSessionId)
    {
    }
}
