namespace Checkout.Web.Staff;

/// <summary>
/// The roles of the shop's staff accounts. An account has exactly one: <see cref="Admin"/> may do everything,
/// <see cref="Support"/> reads orders and sends their e-mails again. The <c>X-Admin-Key</c> of scripts is an Admin.
/// </summary>
public static class StaffRoles
{
    public const string Admin = "Admin";
    public const string Support = "Support";

    public static readonly IReadOnlyList<string> All = [Admin, Support];

    /// <summary>The role named <paramref name="name"/> (case aside), or null when there is none by that name.</summary>
    public static string? Find(string? name) =>
        All.FirstOrDefault(role => string.Equals(role, name?.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>What the role may do, as the staff page and the README say it.</summary>
    public static string Describe(string role) => role switch
    {
        Admin => "Everything: orders and refunds, products and prices, promo codes, stock, delivery and tax, the outbox, staff accounts.",
        Support => "Reads orders (dashboard, list, detail, CSV export) and sends an order's confirmation e-mail again; changes nothing else.",
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "Not a staff role."),
    };
}

/// <summary>
/// The authorization policies of the back office, named by what they allow. Every admin route and page names one:
/// the endpoint's <c>RequireAuthorization</c>, the page's <c>[Authorize(Policy = …)]</c>.
/// </summary>
public static class StaffPolicies
{
    /// <summary>Everything that changes the shop or reads beyond orders: the Admin role (or the admin key).</summary>
    public const string Admin = "Admin";

    /// <summary>Reading orders (dashboard, list, detail, CSV) and resending their e-mails: the Admin or the Support role.</summary>
    public const string StaffRead = "StaffRead";
}
