using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Checkout.E2E.Infrastructure;

/// <summary>
/// The real Checkout.Web on Kestrel (127.0.0.1, a free port) with its own Sqlite file, so test
/// classes never see each other's carts or stock.
/// </summary>
public sealed class CheckoutAppFactory : WebApplicationFactory<Program>
{
    private readonly DirectoryInfo _dataDirectory = Directory.CreateTempSubdirectory("checkout-e2e-");

    public CheckoutAppFactory() => UseKestrel(0);

    /// <summary>Starts the server and returns the address a browser can reach it on.</summary>
    public Uri Start()
    {
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>();
        return new Uri(addresses.Addresses.First());
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // UseSetting (unlike ConfigureAppConfiguration) is visible while Program.cs still builds,
        // and it outranks appsettings.json.
        var database = Path.Combine(_dataDirectory.FullName, "checkout.db");
        builder.UseSetting("ConnectionStrings:Checkout", $"Data Source={database}");
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
