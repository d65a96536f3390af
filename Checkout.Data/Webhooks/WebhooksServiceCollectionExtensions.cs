using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Polly;

namespace Checkout.Data.Webhooks;

public static class WebhooksServiceCollectionExtensions
{
    /// <summary>
    /// Registers the webhooks (ADR 16): the outbox consumer that prepares deliveries (which the host adds to the
    /// outbox's consumers, as it does the e-mails), the sender and its HTTP client
    /// (checked connections, no redirects, a per-attempt timeout through Microsoft.Extensions.Http.Resilience; the
    /// retries are the deliveries' own), the admin service and the inbox of partners' updates.
    /// </summary>
    public static IServiceCollection AddCheckoutWebhooks(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<WebhookOptions>().Bind(configuration.GetSection(WebhookOptions.Section))
            .Validate(o => o.AttemptTimeout > TimeSpan.Zero && o.Parallelism > 0, $"{WebhookOptions.Section}: the attempt timeout and the parallelism must be positive.")
            .ValidateOnStart();
        services.AddDataProtection();
        services.AddSingleton<WebhookSecrets>();
        services.AddSingleton<WebhookSender>();
        services.AddSingleton<WebhookAdminService>();
        services.AddSingleton<FulfillmentInbox>();
        services.AddSingleton<WebhookFanOut>();
        services.AddHostedService<WebhookSenderService>();
        services.AddHttpClient(WebhookSender.ClientName)
            .ConfigurePrimaryHttpMessageHandler(sp =>
            {
                var allowLocal = sp.GetRequiredService<IOptions<WebhookOptions>>().Value.AllowLocalTargets;
                return new SocketsHttpHandler
                {
                    AllowAutoRedirect = false,
                    UseCookies = false,
                    PooledConnectionLifetime = TimeSpan.FromMinutes(2),
                    ConnectCallback = (context, ct) => WebhookTargets.ConnectAsync(context.DnsEndPoint, allowLocal, ct),
                };
            })
            .AddResilienceHandler("webhook-attempt", (pipeline, context) =>
            {
                // The partner answers in wall-clock time, whatever clock the shop's schedule runs on.
                pipeline.TimeProvider = TimeProvider.System;
                pipeline.AddTimeout(context.ServiceProvider.GetRequiredService<IOptions<WebhookOptions>>().Value.AttemptTimeout);
            });
        return services;
    }
}
