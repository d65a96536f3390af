using System.Text.RegularExpressions;
using Checkout.Tests.Api;
using Checkout.Web.Components;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Checkout.Tests.Components;

/// <summary>
/// The page and the server agree on the live connection's pings: the server's hub pings and waits as
/// <see cref="CircuitKeepAlive"/> says, and every page starts Blazor itself with the same figures.
/// </summary>
public partial class CircuitKeepAliveTests
{
    [Fact]
    public async Task ThePageAndTheServer_PingEveryThirtySeconds_AndWaitTwoPingsOnASilentPeer()
    {
        await using var api = new ApiFactory();
        using var browser = api.CreateClient();

        // The hub of the pages' connections is the framework's own, internal type.
        var hub = typeof(CircuitOptions).Assembly.GetType("Microsoft.AspNetCore.Components.Server.ComponentHub", throwOnError: true)!;
        var optionsType = typeof(IOptions<>).MakeGenericType(typeof(HubOptions<>).MakeGenericType(hub));
        var options = (HubOptions)optionsType.GetProperty(nameof(IOptions<object>.Value))!.GetValue(api.Services.GetRequiredService(optionsType))!;
        var html = await browser.GetStringAsync("/");

        Assert.Equal(TimeSpan.FromSeconds(30), options.KeepAliveInterval);
        Assert.Equal(TimeSpan.FromSeconds(60), options.ClientTimeoutInterval);
        Assert.Matches(BlazorScript(), html);
        var start = StartScript().Match(html);
        Assert.True(start.Success, "The page loads start.js after Blazor's script.");
        Assert.Equal("30000", start.Groups["keepAlive"].Value);
        Assert.Equal("60000", start.Groups["timeout"].Value);
    }

    [GeneratedRegex("""<script src="[^"]*_framework/blazor\.web[^"]*\.js" autostart="false"></script>""")]
    private static partial Regex BlazorScript();

    [GeneratedRegex("""<script src="[^"]*start[^"]*\.js" data-keep-alive-ms="(?<keepAlive>\d+)"\s+data-server-timeout-ms="(?<timeout>\d+)"></script>""")]
    private static partial Regex StartScript();
}
