using Microsoft.AspNetCore.Hosting;

namespace Checkout.Tests.Api;

/// <summary>One app and its admin client for every test of a class (an xunit class fixture), set up as <paramref name="configure"/> says.</summary>
public abstract class SharedApiShop(Action<IWebHostBuilder>? configure = null) : IAsyncLifetime
{
    public ApiFactory Api { get; } = new(configure);
    public ApiClient Admin { get; private set; } = null!;

    public Task InitializeAsync()
    {
        Admin = Api.Admin();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        Admin.Dispose();
        await Api.DisposeAsync();
    }
}
