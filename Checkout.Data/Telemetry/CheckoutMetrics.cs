using System.Diagnostics.Metrics;

namespace Checkout.Data.Telemetry;

/// <summary>
/// The checkout's counters as <see cref="System.Diagnostics.Metrics"/> instruments (meter "Checkout"), exported by
/// whatever listener the host wires (OpenTelemetry, dotnet-counters). Rejected oversell attempts exist only here:
/// a refused hold leaves no row behind.
/// </summary>
public sealed class CheckoutMetrics : IDisposable
{
    public const string MeterName = "Checkout";

    private readonly Meter _meter;
    private readonly Counter<long> _checkoutsStarted;
    private readonly Counter<long> _oversellRejected;
    private readonly Counter<long> _ordersConfirmed;
    private readonly Counter<long> _revenueMinor;
    private readonly Counter<long> _paymentsDeclined;
    private readonly Counter<long> _holdsExpired;
    private static readonly AsyncLocal<bool> Suppressed = new();
    private long _oversellRejectedTotal;

    public CheckoutMetrics(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(MeterName);
        _checkoutsStarted = _meter.CreateCounter<long>("checkout.sessions.started", "{session}", "Checkouts that placed their holds");
        _oversellRejected = _meter.CreateCounter<long>("checkout.oversell.rejected", "{attempt}", "Checkouts refused because the stock was not there");
        _ordersConfirmed = _meter.CreateCounter<long>("checkout.orders.confirmed", "{order}", "Orders captured and confirmed");
        _revenueMinor = _meter.CreateCounter<long>("checkout.revenue", "{minor_unit}", "Confirmed order totals in minor units");
        _paymentsDeclined = _meter.CreateCounter<long>("checkout.payments.declined", "{payment}", "Authorizations the gateway refused");
        _holdsExpired = _meter.CreateCounter<long>("checkout.holds.expired", "{session}", "Checkout sessions whose holds the sweeper released");
    }

    /// <summary>
    /// Stops counting for the calling flow (and the tasks it starts) until disposed: the last-unit drill sells to
    /// scratch buyers through the real services, and its sales are not the shop's.
    /// </summary>
    public static IDisposable Suppress()
    {
        Suppressed.Value = true;
        return new Resume();
    }

    /// <summary>Refused oversell attempts since this instance started.</summary>
    public long OversellRejectedTotal => Interlocked.Read(ref _oversellRejectedTotal);

    private static bool Counting => !Suppressed.Value;

    public void CheckoutStarted()
    {
        if (Counting)
        {
            _checkoutsStarted.Add(1);
        }
    }

    public void OversellRejected()
    {
        if (Counting)
        {
            Interlocked.Increment(ref _oversellRejectedTotal);
            _oversellRejected.Add(1);
        }
    }

    public void OrderConfirmed(long totalMinor, string currency)
    {
        if (Counting)
        {
            _ordersConfirmed.Add(1);
            _revenueMinor.Add(totalMinor, new KeyValuePair<string, object?>("currency", currency));
        }
    }

    public void PaymentDeclined()
    {
        if (Counting)
        {
            _paymentsDeclined.Add(1);
        }
    }

    public void HoldsExpired(int sessions)
    {
        if (Counting)
        {
            _holdsExpired.Add(sessions);
        }
    }

    public void Dispose() => _meter.Dispose();

    private sealed class Resume : IDisposable
    {
        public void Dispose() => Suppressed.Value = false;
    }
}
