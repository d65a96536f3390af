using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Checkout.Data.Payments;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Checkout.E2E.Infrastructure;

/// <summary>
/// The real Checkout.Web on Kestrel (127.0.0.1, a free port) in the Development environment (so the development
/// admin and API key from appsettings.Development.json exist), with its own Sqlite file, so test classes never see
/// each other's carts or stock. <paramref name="settings"/> override configuration (hold TTL, sweep interval…). The
/// simulated payment gateway sits behind a <see cref="GatedPaymentGateway"/>, open unless a test shuts it.
/// </summary>
public sealed class CheckoutAppFactory(IReadOnlyDictionary<string, string> settings) : WebApplicationFactory<Program>
{
    private readonly DirectoryInfo _dataDirectory = Directory.CreateTempSubdirectory("checkout-e2e-");

    /// <summary>Starts the server and returns the address a browser can reach it on.</summary>
    public Uri Start()
    {
        UseKestrel(0);
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>();
        return new Uri(addresses.Addresses.First());
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        // UseSetting (unlike ConfigureAppConfiguration) is visible while Program.cs still builds,
        // and it outranks appsettings.json.
        var database = Path.Combine(_dataDirectory.FullName, "checkout.db");
        builder.UseSetting("ConnectionStrings:Checkout", $"Data Source={database}");
        // Request logs of six apps on two cores cost time and drown the test output; warnings still show.
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.UseSetting("Logging:LogLevel:Microsoft.AspNetCore", "Warning");
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }
        builder.ConfigureTestServices(services =>
        {
            services.RemoveAll<IPaymentGateway>();
            services.AddSingleton<SimulatedPaymentGateway>();
            services.AddSingleton(sp => new GatedPaymentGateway(sp.GetRequiredService<SimulatedPaymentGateway>()));
            services.AddSingleton<IPaymentGateway>(sp => sp.GetRequiredService<GatedPaymentGateway>());
        });
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        try
        {
            _dataDirectory.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A pooled connection may still hold the file; the OS temp cleaner gets it later.
        }
    }
}
