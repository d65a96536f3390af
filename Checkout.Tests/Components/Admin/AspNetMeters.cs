using System.Diagnostics;
using System.Diagnostics.Metrics;
using Checkout.Web.Operations;
using Microsoft.Extensions.DependencyInjection;

namespace Checkout.Tests.Components.Admin;

/// <summary>
/// The instruments ASP.NET Core publishes that <see cref="LiveOperations"/> listens to, with the same meter and
/// instrument names and tags, made by a meter factory of this test's own: a <see cref="LiveOperations"/> given
/// <see cref="Factory"/> hears them and no other test's, as an app hears only its own.
/// </summary>
public sealed class AspNetMeters : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly Histogram<double> _requestDuration;
    private readonly UpDownCounter<long> _circuitsActive;
    private readonly UpDownCounter<long> _circuitsConnected;

    public AspNetMeters()
    {
        Factory = _services.GetRequiredService<IMeterFactory>();
        var hosting = Factory.Create(LiveOperations.HostingMeter);
        _requestDuration = hosting.CreateHistogram<double>(LiveOperations.RequestDurationInstrument, "s");
        var circuits = Factory.Create(LiveOperations.CircuitsMeter);
        _circuitsActive = circuits.CreateUpDownCounter<long>(LiveOperations.CircuitsActiveInstrument);
        _circuitsConnected = circuits.CreateUpDownCounter<long>(LiveOperations.CircuitsConnectedInstrument);
    }

    public IMeterFactory Factory { get; }

    /// <summary>A finished request, tagged as ASP.NET Core's hosting tags it.</summary>
    public void Request(double milliseconds, string? route = "/", string method = "GET", int status = 200)
    {
        var tags = new TagList
        {
            { "http.request.method", method },
            { "url.scheme", "https" },
            { "network.protocol.version", "1.1" },
            { "http.response.status_code", status },
        };
        if (route is not null)
        {
            tags.Add("http.route", route);
        }
        _requestDuration.Record(milliseconds / 1000, tags);
    }

    /// <summary><paramref name="count"/> requests of the same duration on the storefront's home page.</summary>
    public void Requests(int count, double milliseconds)
    {
        for (var i = 0; i < count; i++)
        {
            Request(milliseconds);
        }
    }

    /// <summary>A shopper opens a page: a circuit, connected.</summary>
    public void CircuitOpened()
    {
        _circuitsActive.Add(1);
        _circuitsConnected.Add(1);
    }

    /// <summary>The browser went away; the circuit waits for it to come back.</summary>
    public void CircuitDisconnected() => _circuitsConnected.Add(-1);

    /// <summary>A disconnected circuit is given up.</summary>
    public void CircuitClosed() => _circuitsActive.Add(-1);

    public void Dispose() => _services.Dispose();
}
