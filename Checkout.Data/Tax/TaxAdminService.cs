using System.Globalization;
using System.Linq.Expressions;
using Checkout.Data.Audit;
using Checkout.Data.Common;
using Checkout.Data.Persistence;
using FluentValidation;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Checkout.Data.Tax;

/// <summary>A country a tax row may name, with the codes of the regions it lists (none: a row names no region).</summary>
public sealed record TaxCountry(string Code, string Name, IReadOnlyList<string> Regions);

/// <param name="Region">A listed region's code for a region's own rate; null for the whole country.</param>
/// <param name="RatePercent">Percent, up to three decimals (8.875 for 8.875 %); required, as 0 is a rate too.</param>
public sealed record TaxRateInput(string? Country, string? Region, decimal? RatePercent, string? Name);

public sealed record TaxRateChange(decimal? RatePercent, string? Name);

public sealed record TaxRateView(Guid Id, string Country, string? Region, decimal RatePercent, string Name);

/// <summary>
/// Store admins keep the tax table: one row per country and one per region, which overrides its country's. A change
/// applies to the next quote: checkouts read the table afresh. Refusals carry each field's messages in
/// <see cref="Error.Details"/> under <c>errors</c>, by the field's JSON name.
/// </summary>
/// <param name="countries">The countries the shop ships to (Shipping's list, handed over by the composition root).</param>
public sealed class TaxAdminService(
    IDbContextFactory<CheckoutDbContext> dbFactory, IOptions<CheckoutOptions> options, TimeProvider clock, TaxRates rates, IReadOnlyList<TaxCountry> countries)
{
    private static readonly ChangeRules ChangeChecks = new();
    private readonly NewRateRules _newRateChecks = new(countries);

    /// <summary>Whether prices include tax or tax is added at checkout: configuration (<c>Checkout:TaxMode</c>), not an admin's choice.</summary>
    public TaxMode Mode => options.Value.TaxMode;

    /// <summary>Every row by country, the country's own row before its regions'.</summary>
    public async Task<IReadOnlyList<TaxRateView>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.TaxRates.AsNoTracking().ToListAsync(ct);
        return [.. rows.OrderBy(r => r.Country, StringComparer.Ordinal).ThenBy(r => r.Region, StringComparer.Ordinal).Select(ToView)];
    }

    /// <param name="requestId">The new row's id when given: the same request run again answers with the row it made.</param>
    /// <param name="actor">The admin who adds it, for the audit log (<c>tax-rate.created</c>, in the row's transaction).</param>
    public async Task<Result<TaxRateView>> AddAsync(TaxRateInput input, string actor, Guid? requestId = null, CancellationToken ct = default)
    {
        if ((FieldErrors.Check(_newRateChecks, input, "the tax rate") ?? AuditLog.CheckActor(actor)) is { } invalid)
        {
            return invalid;
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (requestId is not null && await db.TaxRates.AsNoTracking().FirstOrDefaultAsync(r => r.Id == requestId, ct) is { } made)
        {
            return ToView(made);
        }
        var row = new TaxRate(requestId ?? Guid.CreateVersion7(clock.GetUtcNow()), input.Country!, input.Region, input.RatePercent!.Value, input.Name!);
        if (await DuplicateAsync(db, row, ct) is { } duplicate)
        {
            return duplicate;
        }
        db.TaxRates.Add(row);
        AuditLog.Record(db, actor, "tax-rate.created", AuditSubject.TaxRate(row.Id), before: null, ToView(row), clock.GetUtcNow(), requestId);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            // Another admin added the same destination's row in the meantime.
            db.ChangeTracker.Clear();
            return await DuplicateAsync(db, row, ct) ?? throw new InvalidOperationException("A tax row's unique index refused a row it does not hold.", e);
        }
        await rates.ChangedAsync();
        return ToView(row);
    }

    /// <summary>
    /// Changes the row's rate and name; its destination stays (a row for another one is added instead). Recorded as
    /// <c>tax-rate.updated</c> by <paramref name="actor"/>.
    /// </summary>
    public async Task<Result<TaxRateView>> ChangeAsync(Guid id, TaxRateChange change, string actor, CancellationToken ct = default)
    {
        if ((FieldErrors.Check(ChangeChecks, change, "the tax rate") ?? AuditLog.CheckActor(actor)) is { } invalid)
        {
            return invalid;
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await db.TaxRates.FirstOrDefaultAsync(r => r.Id == id, ct) is not { } row)
        {
            return Error.NotFound("The tax rate");
        }
        var before = ToView(row);
        row.Change(change.RatePercent!.Value, change.Name!);
        AuditLog.Record(db, actor, "tax-rate.updated", AuditSubject.TaxRate(id), before, ToView(row), clock.GetUtcNow());
        await db.SaveChangesAsync(ct);
        await rates.ChangedAsync();
        return ToView(row);
    }

    /// <summary>
    /// Deletes the row: its destination then pays its country's rate (for a region), or no tax. Recorded as
    /// <c>tax-rate.deleted</c> by <paramref name="actor"/>.
    /// </summary>
    /// <returns>The row as it was.</returns>
    public async Task<Result<TaxRateView>> DeleteAsync(Guid id, string actor, CancellationToken ct = default)
    {
        if (AuditLog.CheckActor(actor) is { } invalid)
        {
            return invalid;
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await db.TaxRates.FirstOrDefaultAsync(r => r.Id == id, ct) is not { } row)
        {
            return Error.NotFound("The tax rate");
        }
        db.TaxRates.Remove(row);
        AuditLog.Record(db, actor, "tax-rate.deleted", AuditSubject.TaxRate(id), ToView(row), after: null, clock.GetUtcNow());
        await db.SaveChangesAsync(ct);
        await rates.ChangedAsync();
        return ToView(row);
    }

    /// <summary>The refusal when the table has a row for <paramref name="row"/>'s destination already.</summary>
    private async Task<Error?> DuplicateAsync(CheckoutDbContext db, TaxRate row, CancellationToken ct)
    {
        if (await db.TaxRates.AsNoTracking().FirstOrDefaultAsync(r => r.Country == row.Country && r.Region == row.Region, ct) is not { } existing)
        {
            return null;
        }
        var country = countries.Single(c => c.Code == row.Country).Name;
        var destination = row.Region is null ? $"{country} as a whole" : $"{row.Region} ({country})";
        var message = string.Create(
            CultureInfo.InvariantCulture, $"{destination} has a rate already: {existing.Name} at {existing.RatePercent:0.###} %. Change that row instead.");
        return FieldErrors.Refusal(ErrorCodes.Conflict, message, [(row.Region is null ? nameof(TaxRateInput.Country) : nameof(TaxRateInput.Region), [message])]);
    }

    private static TaxRateView ToView(TaxRate r) => new(r.Id, r.Country, r.Region, r.RatePercent, r.Name);

    /// <summary>The rules of a rate and its name, which a new row and a change share.</summary>
    private abstract class RateRules<T> : AbstractValidator<T>
    {
        protected RateRules(Expression<Func<T, decimal?>> rate, Expression<Func<T, string?>> name)
        {
            RuleLevelCascadeMode = CascadeMode.Stop;
            RuleFor(rate)
                .NotNull().WithMessage("Enter the rate in percent (0 for none).")
                .InclusiveBetween(0m, 100m).WithMessage("A rate is between 0 and 100 %.")
                .Must(percent => decimal.Round(percent!.Value, 3) == percent).WithMessage("A rate has at most three decimals, like 8.875.");
            RuleFor(name)
                .Must(text => InputRules.IsText(text, TaxRate.MaxNameLength, required: true))
                .WithMessage($"Name the tax as the receipt shows it (Sales tax, VAT, GST…) in 1–{TaxRate.MaxNameLength} printable characters.");
        }
    }

    private sealed class ChangeRules() : RateRules<TaxRateChange>(x => x.RatePercent, x => x.Name);

    private sealed class NewRateRules : RateRules<TaxRateInput>
    {
        public NewRateRules(IReadOnlyList<TaxCountry> countries)
            : base(x => x.RatePercent, x => x.Name)
        {
            TaxCountry? CountryOf(TaxRateInput input) =>
                countries.FirstOrDefault(c => string.Equals(c.Code, input.Country?.Trim(), StringComparison.OrdinalIgnoreCase));

            RuleFor(x => x.Country)
                .NotEmpty().WithMessage("Choose a country.")
                .Must((x, _) => CountryOf(x) is not null).WithMessage(x => $"The shop does not ship to {x.Country}; choose among the countries it ships to.");
            RuleFor(x => x.Region)
                .Must((x, region) => string.IsNullOrWhiteSpace(region) || CountryOf(x)!.Regions.Contains(region.Trim(), StringComparer.OrdinalIgnoreCase))
                .WithMessage(x => CountryOf(x)!.Regions is [var first, ..]
                    ? $"Choose a region of {CountryOf(x)!.Name} by its code, like {first}, or none for the whole country."
                    : $"{CountryOf(x)!.Name} has no regions with rates of their own: leave the region empty.")
                .When(x => CountryOf(x) is not null);
        }
    }
}
