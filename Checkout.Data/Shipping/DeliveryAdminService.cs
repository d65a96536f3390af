using Checkout.Data.Audit;
using Checkout.Data.Common;
using System.Data;
using Checkout.Data.Persistence;
using Checkout.Data.Reliability;
using FluentValidation;
using Microsoft.EntityFrameworkCore;

namespace Checkout.Data.Shipping;

/// <summary>A zone as an admin sets it: its name and its countries' two-letter codes.</summary>
public sealed record ShippingZoneInput(string? Name, IReadOnlyList<string>? Countries);

/// <summary>A delivery method as an admin sets it, amounts in minor units.</summary>
/// <param name="RateMinor">Required: 0 is a free method, and a missing rate must not pass for one.</param>
/// <param name="FreeFromMinor">The order amount (after discounts) from which it is free; null = never free.</param>
/// <param name="Active">
/// Whether checkouts are offered it (an inactive method stays for the orders that used it); null leaves a method as
/// it is, and a new one active.
/// </param>
/// <param name="PerKgMinor">
/// Added to the rate for each started kilogram of the order's weight (the sum of each line's quantity times its
/// product's weight: 1,001 g are 2 kg); 0, or not sent, for a flat rate.
/// </param>
public sealed record DeliveryMethodInput(
    string? Name, string? Description, long? RateMinor, long? FreeFromMinor = null, int SortOrder = 0, bool? Active = null, long PerKgMinor = 0);

/// <param name="PerKgMinor">Added to the rate for each started kilogram of the order's weight; 0 for a flat rate.</param>
public sealed record DeliveryMethodView(
    Guid Id, Guid ZoneId, string Name, string? Description, long RateMinor, long? FreeFromMinor, long PerKgMinor, int SortOrder, bool Active);

/// <param name="Methods">Active and inactive, in the admin's sort order.</param>
public sealed record ShippingZoneView(Guid Id, string Name, IReadOnlyList<string> Countries, IReadOnlyList<DeliveryMethodView> Methods);

/// <summary>
/// Store admins set which countries each zone holds and the delivery methods of each. A change applies to the next
/// quote: checkouts read zones and methods afresh. Refusals carry each field's messages in
/// <see cref="Error.Details"/> under <c>errors</c>, by the field's JSON name.
/// A country belongs to one zone however many admins save at once: a zone's countries are checked and written in one
/// serializable transaction, and the one of two racing saves that loses runs again and is told who has the country.
/// Each change is recorded in the audit log, by the admin given, in the change's own transaction.
/// </summary>
public sealed class DeliveryAdminService(IDbContextFactory<CheckoutDbContext> dbFactory, TimeProvider clock, DbRetry retry, DeliveryOptions offered)
{
    /// <summary>The highest rate, rate per kilogram or free-from amount (100,000.00): a larger one is a typo, and totals stay far from overflowing.</summary>
    public const long MaxAmountMinor = 10_000_000;

    private static readonly ZoneRules ZoneChecks = new();
    private static readonly MethodRules MethodChecks = new();

    /// <summary>Every zone by name, each with all its methods.</summary>
    public async Task<IReadOnlyList<ShippingZoneView>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var zones = await db.ShippingZones.AsNoTracking().ToListAsync(ct);
        var methods = (await db.DeliveryMethods.AsNoTracking().ToListAsync(ct)).ToLookup(m => m.ZoneId);
        return [.. zones.OrderBy(z => z.Name, StringComparer.OrdinalIgnoreCase).Select(z => ToView(z, methods[z.Id]))];
    }

    /// <param name="requestId">The new zone's id when given: the same request run again answers with the zone it made.</param>
    public async Task<Result<ShippingZoneView>> CreateZoneAsync(ShippingZoneInput input, string actor, Guid? requestId = null, CancellationToken ct = default)
    {
        if ((FieldErrors.Check(ZoneChecks, input, "the zone") ?? AuditLog.CheckActor(actor)) is { } invalid)
        {
            return invalid;
        }
        var id = requestId ?? Guid.CreateVersion7(clock.GetUtcNow());
        return await retry.ExecuteAsync<ShippingZoneView>(async token =>
        {
            await using var db = await dbFactory.CreateDbContextAsync(token);
            await using var tx = await db.Database.BeginTransactionAsync(IsolationLevel.Serializable, token);
            if (await db.ShippingZones.AsNoTracking().FirstOrDefaultAsync(z => z.Id == id, token) is { } made)
            {
                return await ViewAsync(db, made, token);
            }
            if (await CountriesTakenAsync(db, input.Countries!, zoneId: null, token) is { } taken)
            {
                return taken;
            }
            var zone = new ShippingZone(id, input.Name!, input.Countries!);
            db.ShippingZones.Add(zone);
            AuditLog.Record(db, actor, "shipping-zone.created", AuditSubject.ShippingZone(id), before: null, ZoneState(zone), clock.GetUtcNow(), requestId);
            await db.SaveChangesAsync(token);
            await tx.CommitAsync(token);
            await offered.ChangedAsync();
            return ToView(zone, []);
        }, ct);
    }

    /// <summary>Renames the zone and replaces its countries.</summary>
    public async Task<Result<ShippingZoneView>> ChangeZoneAsync(Guid zoneId, ShippingZoneInput input, string actor, CancellationToken ct = default)
    {
        if ((FieldErrors.Check(ZoneChecks, input, "the zone") ?? AuditLog.CheckActor(actor)) is { } invalid)
        {
            return invalid;
        }
        return await retry.ExecuteAsync<ShippingZoneView>(async token =>
        {
            await using var db = await dbFactory.CreateDbContextAsync(token);
            await using var tx = await db.Database.BeginTransactionAsync(IsolationLevel.Serializable, token);
            if (await db.ShippingZones.FirstOrDefaultAsync(z => z.Id == zoneId, token) is not { } zone)
            {
                return Error.NotFound("The shipping zone");
            }
            if (await CountriesTakenAsync(db, input.Countries!, zone.Id, token) is { } taken)
            {
                return taken;
            }
            var before = ZoneState(zone);
            zone.Rename(input.Name!);
            zone.ChangeCountries(input.Countries!);
            AuditLog.Record(db, actor, "shipping-zone.updated", AuditSubject.ShippingZone(zoneId), before, ZoneState(zone), clock.GetUtcNow());
            await db.SaveChangesAsync(token);
            await tx.CommitAsync(token);
            await offered.ChangedAsync();
            return await ViewAsync(db, zone, token);
        }, ct);
    }

    /// <summary>Deletes a zone that never had a method; one with methods keeps them for the orders that used them.</summary>
    /// <returns>The zone as it was.</returns>
    public async Task<Result<ShippingZoneView>> DeleteZoneAsync(Guid zoneId, string actor, CancellationToken ct = default)
    {
        if (AuditLog.CheckActor(actor) is { } invalid)
        {
            return invalid;
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await db.ShippingZones.FirstOrDefaultAsync(z => z.Id == zoneId, ct) is not { } zone)
        {
            return Error.NotFound("The shipping zone");
        }
        if (await db.DeliveryMethods.AnyAsync(m => m.ZoneId == zoneId, ct))
        {
            return new Error(
                ErrorCodes.Conflict,
                $"The zone “{zone.Name}” has delivery methods, which are kept for the orders that used them: deactivate them to stop delivering there.");
        }
        db.ShippingZones.Remove(zone);
        AuditLog.Record(db, actor, "shipping-zone.deleted", AuditSubject.ShippingZone(zoneId), ZoneState(zone), after: null, clock.GetUtcNow());
        await db.SaveChangesAsync(ct);
        await offered.ChangedAsync();
        return ToView(zone, []);
    }

    /// <param name="requestId">The new method's id when given: the same request run again answers with the method it made.</param>
    public async Task<Result<DeliveryMethodView>> AddMethodAsync(
        Guid zoneId, DeliveryMethodInput input, string actor, Guid? requestId = null, CancellationToken ct = default)
    {
        if ((FieldErrors.Check(MethodChecks, input, "the delivery method") ?? AuditLog.CheckActor(actor)) is { } invalid)
        {
            return invalid;
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (requestId is not null && await db.DeliveryMethods.AsNoTracking().FirstOrDefaultAsync(m => m.Id == requestId, ct) is { } made)
        {
            return ToView(made);
        }
        if (!await db.ShippingZones.AnyAsync(z => z.Id == zoneId, ct))
        {
            return Error.NotFound("The shipping zone");
        }
        var method = new DeliveryMethod(
            requestId ?? Guid.CreateVersion7(clock.GetUtcNow()), zoneId, input.Name!, input.Description, input.RateMinor!.Value, input.FreeFromMinor,
            input.SortOrder, input.PerKgMinor);
        method.Activate(input.Active ?? true);
        db.DeliveryMethods.Add(method);
        AuditLog.Record(db, actor, "delivery-method.created", AuditSubject.DeliveryMethod(method.Id), before: null, ToView(method), clock.GetUtcNow(), requestId);
        await db.SaveChangesAsync(ct);
        await offered.ChangedAsync();
        return ToView(method);
    }

    /// <summary>Replaces the method's terms (and whether it is active, when said); orders placed with it keep what they paid.</summary>
    public async Task<Result<DeliveryMethodView>> ChangeMethodAsync(Guid methodId, DeliveryMethodInput input, string actor, CancellationToken ct = default) =>
        FieldErrors.Check(MethodChecks, input, "the delivery method") is { } invalid
            ? invalid
            : await ChangeMethodAsync(methodId, actor, "delivery-method.updated", method =>
            {
                method.Change(input.Name!, input.Description, input.RateMinor!.Value, input.FreeFromMinor, input.SortOrder, input.PerKgMinor);
                if (input.Active is { } active)
                {
                    method.Activate(active);
                }
            }, ct);

    /// <summary>Offers the method to checkouts again, or stops offering it (it is never deleted: orders name it).</summary>
    public Task<Result<DeliveryMethodView>> SetMethodActiveAsync(Guid methodId, bool active, string actor, CancellationToken ct = default) =>
        ChangeMethodAsync(methodId, actor, active ? "delivery-method.enabled" : "delivery-method.disabled", method => method.Activate(active), ct);

    private async Task<Result<DeliveryMethodView>> ChangeMethodAsync(Guid methodId, string actor, string action, Action<DeliveryMethod> change, CancellationToken ct)
    {
        if (AuditLog.CheckActor(actor) is { } invalid)
        {
            return invalid;
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await db.DeliveryMethods.FirstOrDefaultAsync(m => m.Id == methodId, ct) is not { } method)
        {
            return Error.NotFound("The delivery method");
        }
        var before = ToView(method);
        change(method);
        AuditLog.Record(db, actor, action, AuditSubject.DeliveryMethod(methodId), before, ToView(method), clock.GetUtcNow());
        await db.SaveChangesAsync(ct);
        await offered.ChangedAsync();
        return ToView(method);
    }

    /// <summary>A zone as the audit log records it: its name and countries (its methods have entries of their own).</summary>
    private static object ZoneState(ShippingZone zone) => new { zone.Name, Countries = zone.Countries.ToArray() };

    /// <summary>
    /// The refusal when another zone than <paramref name="zoneId"/> holds one of <paramref name="countries"/>: a
    /// destination is offered the methods of one zone. Zones are few, so they are read whole.
    /// </summary>
    private static async Task<Error?> CountriesTakenAsync(CheckoutDbContext db, IEnumerable<string> countries, Guid? zoneId, CancellationToken ct)
    {
        var others = await db.ShippingZones.AsNoTracking().Where(z => z.Id != zoneId).ToListAsync(ct);
        string[] clashes =
        [
            .. from code in countries.Select(c => c.Trim().ToUpperInvariant()).Distinct()
               from other in others
               where other.Countries.Contains(code)
               select $"{Countries.Find(code)!.Name} is in the zone “{other.Name}” already: take it out of that zone first.",
        ];
        return clashes.Length == 0 ? null : FieldErrors.Refusal(ErrorCodes.Conflict, string.Join(" ", clashes), [("Countries", clashes)]);
    }

    private static async Task<ShippingZoneView> ViewAsync(CheckoutDbContext db, ShippingZone zone, CancellationToken ct) =>
        ToView(zone, await db.DeliveryMethods.AsNoTracking().Where(m => m.ZoneId == zone.Id).ToListAsync(ct));

    private static ShippingZoneView ToView(ShippingZone zone, IEnumerable<DeliveryMethod> methods) => new(
        zone.Id, zone.Name, zone.Countries,
        [.. methods.OrderBy(m => m.SortOrder).ThenBy(m => m.Name, StringComparer.OrdinalIgnoreCase).Select(ToView)]);

    private static DeliveryMethodView ToView(DeliveryMethod m) =>
        new(m.Id, m.ZoneId, m.Name, m.Description, m.RateMinor, m.FreeFromMinor, m.PerKgMinor, m.SortOrder, m.Active);

    private sealed class ZoneRules : AbstractValidator<ShippingZoneInput>
    {
        public ZoneRules()
        {
            RuleLevelCascadeMode = CascadeMode.Stop;
            RuleFor(x => x.Name)
                .Must(name => InputRules.IsText(name, ShippingZone.MaxNameLength, required: true))
                .WithMessage($"Name the zone in 1–{ShippingZone.MaxNameLength} printable characters.");
            RuleFor(x => x.Countries)
                .NotEmpty().WithMessage("Choose at least one country.")
                .Must(codes => Unsupported(codes!).Count == 0)
                .WithMessage(x => $"The shop does not ship to {string.Join(", ", Unsupported(x.Countries!))}; choose among the countries it ships to.");
        }

        private static List<string> Unsupported(IEnumerable<string?> codes) =>
            [.. codes.Where(code => code is null || Countries.Find(code.Trim()) is null).Select(code => string.IsNullOrWhiteSpace(code) ? "(blank)" : code)];
    }

    private sealed class MethodRules : AbstractValidator<DeliveryMethodInput>
    {
        public MethodRules()
        {
            RuleLevelCascadeMode = CascadeMode.Stop;
            RuleFor(x => x.Name)
                .Must(name => InputRules.IsText(name, DeliveryMethod.MaxNameLength, required: true))
                .WithMessage($"Name the method in 1–{DeliveryMethod.MaxNameLength} printable characters.");
            RuleFor(x => x.Description)
                .Must(text => InputRules.IsText(text, DeliveryMethod.MaxDescriptionLength, required: false))
                .WithMessage($"A description is at most {DeliveryMethod.MaxDescriptionLength} printable characters.");
            RuleFor(x => x.RateMinor)
                .NotNull().WithMessage("Enter the rate (0 for free delivery).")
                .InclusiveBetween(0, MaxAmountMinor)
                .WithMessage($"The rate is 0 (free) up to {Money.Format(MaxAmountMinor, Money.DefaultCurrency)}.");
            RuleFor(x => x.FreeFromMinor)
                .InclusiveBetween(0, MaxAmountMinor)
                .WithMessage($"Free from is an amount from 0 up to {Money.Format(MaxAmountMinor, Money.DefaultCurrency)}, or empty for never free.");
            RuleFor(x => x.PerKgMinor)
                .InclusiveBetween(0, MaxAmountMinor)
                .WithMessage($"The rate per started kilogram is 0 (a flat rate) up to {Money.Format(MaxAmountMinor, Money.DefaultCurrency)}.");
        }
    }
}
