using System.Data;
using System.Text.Json;
using Checkout.Data.Common;
using Checkout.Data.Fulfillment;
using Checkout.Data.Persistence;
using Checkout.Data.Reliability;
using FluentValidation;
using Microsoft.EntityFrameworkCore;

namespace Checkout.Data.Orders;

/// <summary>What a shopper typed to find their orders; either may be missing.</summary>
public sealed record OrderLookupInput(string? Email, string? OrderNumber);

/// <summary>
/// A "find my order" request as its <see cref="OutboxTypes.OrderLookupRequested"/> message carries it: the email and the
/// order number, both normalized (the email as checkout stores it, the number upper case).
/// </summary>
public sealed record OrderLookupRequest(string Email, string OrderNumber)
{
    /// <summary>The request a lookup message carries.</summary>
    public static OrderLookupRequest Of(OutboxMessage message) =>
        JsonSerializer.Deserialize<OrderLookupRequest>(message.Payload, OutboxMessage.PayloadJson)
        ?? throw new InvalidOperationException($"The lookup message {message.Id} has no payload.");

    internal OutboxMessage ToMessage(Guid requestId, DateTimeOffset now) =>
        new(OutboxTypes.OrderLookupRequested, requestId, JsonSerializer.Serialize(this, OutboxMessage.PayloadJson), now);
}

/// <summary>A lookup e-mail sent to an address, keyed by the message that asked for it: what the per-address cap counts.</summary>
public sealed class OrderLookupEmail
{
    private OrderLookupEmail()
    {
    }

    internal OrderLookupEmail(Guid messageId, string email, DateTimeOffset sentAt)
    {
        MessageId = messageId;
        Email = email;
        SentAt = sentAt;
    }

    public Guid MessageId { get; private set; }
    public string Email { get; private set; } = "";
    public DateTimeOffset SentAt { get; private set; }
}

/// <summary>
/// "Find my order": a shopper who lost the link to an order gives an email and an order number, and when the two
/// belong together a link to that email's orders is mailed to it. Asking answers the same whether or not they match,
/// and does the same work (one outbox message, no order read), so that neither the answer nor its timing tells whether
/// an email placed an order; the match is decided later, by the consumer of the message. No address gets more than a
/// few of these e-mails per window, whoever asks.
/// </summary>
public sealed class OrderLookups(IDbContextFactory<CheckoutDbContext> dbFactory, WriteUnits units, TimeProvider clock, DbRetry retry)
{
    /// <summary>What every well-formed request is told, whether or not the email and the number belong together.</summary>
    public const string Answer = "If that order number belongs to that email, a link to its orders is on its way.";

    private static readonly Rules Checks = new();

    /// <summary>
    /// Checks the shape of the email and the order number (not whether they match) and writes one
    /// <see cref="OutboxTypes.OrderLookupRequested"/> message, whose aggregate is <paramref name="requestId"/> when given.
    /// A refusal is a validation error with each field's messages (<c>email</c>, <c>orderNumber</c>) and writes nothing.
    /// Each call writes its own message: a request resumed after a crash may ask twice, which the per-address cap bounds.
    /// </summary>
    public async Task<Result<OrderLookupRequest>> RequestAsync(OrderLookupInput input, Guid? requestId = null, CancellationToken ct = default)
    {
        if (Check(input) is { } refused)
        {
            return refused;
        }
        var request = new OrderLookupRequest(InputRules.NormalizeEmail(input.Email!), Normalized(input).OrderNumber!);
        var now = clock.GetUtcNow();
        var message = request.ToMessage(requestId ?? Guid.CreateVersion7(now), now);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await units.RunAsync(db, async (w, token) => UnitResult.Keep(await w.InsertAsync(message, token)), ct);
        return request;
    }

    /// <summary>
    /// The refusal <see cref="RequestAsync"/> would give the input for its shape, with each field's messages under
    /// <c>errors</c>; null when it is well formed. Asks nothing of the database, so a form may check as the shopper types.
    /// </summary>
    public static Error? Check(OrderLookupInput input) => FieldErrors.Check(Checks, Normalized(input), "the email and order number");

    /// <summary>True when the order numbered as the request says was placed with the request's email.</summary>
    public async Task<bool> MatchesAsync(OrderLookupRequest request, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Orders.AsNoTracking().AnyAsync(o => o.Number == request.OrderNumber && o.Email == request.Email, ct);
    }

    /// <summary>
    /// Counts the lookup e-mail of <paramref name="messageId"/> to <paramref name="email"/> against the address's cap:
    /// true when it may go (fewer than <paramref name="limit"/> went there in the <paramref name="window"/> before now,
    /// or this message was counted already, so a retried send goes again); false when the cap is reached. Checked and
    /// recorded in one serializable transaction, run again when a racing count wins, so two dispatchers at once never
    /// both take the last place.
    /// </summary>
    public async Task<Result<bool>> TryCountEmailAsync(Guid messageId, string email, int limit, TimeSpan window, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        var since = now - window;
        return await retry.ExecuteAsync<bool>(async token =>
        {
            await using var db = await dbFactory.CreateDbContextAsync(token);
            await using var tx = await db.Database.BeginTransactionAsync(IsolationLevel.Serializable, token);
            if (await db.OrderLookupEmails.AnyAsync(e => e.MessageId == messageId, token))
            {
                return true;
            }
            if (await db.OrderLookupEmails.CountAsync(e => e.Email == email && e.SentAt > since, token) >= limit)
            {
                return false;
            }
            db.OrderLookupEmails.Add(new OrderLookupEmail(messageId, email, now));
            await db.SaveChangesAsync(token);
            await tx.CommitAsync(token);
            return true;
        }, ct);
    }

    // Only spaces are forgiven around what was typed or pasted: a line break or tab is refused wherever it is.
    private static OrderLookupInput Normalized(OrderLookupInput input) => new(input.Email?.Trim(' '), input.OrderNumber?.Trim(' ').ToUpperInvariant());

    private sealed class Rules : AbstractValidator<OrderLookupInput>
    {
        public Rules()
        {
            RuleFor(i => i.Email).Must(e => InputRules.Email(e) is null)
                .WithMessage(i => string.IsNullOrEmpty(i.Email) ? "Enter your email address." : "Enter a valid email address, like name@example.com.");
            RuleFor(i => i.OrderNumber).Must(n => n is not null && Order.HasNumberShape(n))
                .WithMessage(i => string.IsNullOrEmpty(i.OrderNumber)
                    ? "Enter your order number."
                    : "An order number is CK- and ten letters and digits, like CK-7KQ2M9XH4P: copy it from your confirmation email.");
        }
    }
}
