using Checkout.Data.HotStock;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.StackExchangeRedis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Checkout.Web.ScaleOut;

/// <summary>
/// What several instances behind one load balancer share when <c>Redis:ConnectionString</c> is set: SignalR's Redis
/// backplane (carrying the shop's live events between instances through <see cref="EventsHub"/>) and the Data
/// Protection key ring (so a cart or admin cookie written by one instance is read by all). Without Redis the
/// instance stands alone and none of this is registered.
/// </summary>
public static class ScaleOutSetup
{
    public static WebApplicationBuilder AddCheckoutScaleOut(this WebApplicationBuilder builder)
    {
        var redis = builder.Configuration[$"{RedisOptions.Section}:{nameof(RedisOptions.ConnectionString)}"];
        builder.Services.AddDataProtection().SetApplicationName("Checkout");
        if (string.IsNullOrWhiteSpace(redis))
        {
            return builder;
        }
        var prefix = builder.Configuration[$"{RedisOptions.Section}:{nameof(RedisOptions.KeyPrefix)}"] ?? new RedisOptions().KeyPrefix;
        builder.Services.AddSignalR().AddStackExchangeRedis(redis, o =>
        {
            o.Configuration.ChannelPrefix = RedisChannel.Literal($"{prefix}signalr:");
            o.Configuration.AbortOnConnectFail = false;
        });
        builder.Services.AddOptions<KeyManagementOptions>().Configure<RedisCounters>((o, counters) =>
            o.XmlRepository = new RedisXmlRepository(() => counters.Connection!.GetDatabase(), $"{prefix}data-protection-keys"));
        builder.Services.AddSingleton<RelayToken>();
        builder.Services.AddHostedService<EventRelay>();
        return builder;
    }

    /// <summary>Maps the hub the instances relay events through; only another instance (holding a relay token) gets in.</summary>
    public static WebApplication MapCheckoutScaleOut(this WebApplication app)
    {
        if (app.Services.GetService<RelayToken>() is not { } token)
        {
            return app;
        }
        app.UseWhen(context => context.Request.Path.StartsWithSegments(EventsHub.Path), branch => branch.Use(async (context, next) =>
        {
            if (!token.IsValid(context.Request))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }
            await next();
        }));
        app.MapHub<EventsHub>(EventsHub.Path);
        return app;
    }
}
