using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Checkout.Data.Notifications;

public static class NotificationsServiceCollectionExtensions
{
    /// <summary>
    /// Registers the <c>Email</c> options, the <see cref="EmailComposer"/> and the <see cref="IEmailSender"/>: SMTP when
    /// <c>Email:Smtp:Host</c> is set, else the pickup folder.
    /// </summary>
    public static IServiceCollection AddNotifications(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<EmailOptions>().Bind(configuration.GetSection(EmailOptions.Section))
            .Validate(o => MailboxAddress.TryParse(o.From, out _), $"{EmailOptions.Section}:{nameof(EmailOptions.From)} must be an e-mail address.")
            .Validate(o => o.ShopUrl is { IsAbsoluteUri: true, Scheme: "http" or "https" }, $"{EmailOptions.Section}:{nameof(EmailOptions.ShopUrl)} must be an http(s) address.")
            .Validate(o => o.Smtp.Port is > 0 and <= 65535, $"{EmailOptions.Section}:Smtp:{nameof(SmtpOptions.Port)} must be a TCP port.")
            .Validate(o => o.Timeout > TimeSpan.Zero && o.Timeout.TotalMilliseconds <= int.MaxValue,
                $"{EmailOptions.Section}:{nameof(EmailOptions.Timeout)} must be positive (and under 24 days).")
            .ValidateOnStart();
        services.AddSingleton<IPostConfigureOptions<EmailOptions>, PickupFolderUnderContentRoot>();
        services.AddSingleton<EmailComposer>();
        if (string.IsNullOrWhiteSpace(configuration[$"{EmailOptions.Section}:Smtp:{nameof(SmtpOptions.Host)}"]))
        {
            services.AddSingleton<IEmailSender, PickupFolderEmailSender>();
        }
        else
        {
            services.AddSingleton<IEmailSender, SmtpEmailSender>();
        }
        return services;
    }

    /// <summary>Makes a relative pickup folder a full path under the app's content root (the working folder without a host).</summary>
    private sealed class PickupFolderUnderContentRoot(IHostEnvironment? environment = null) : IPostConfigureOptions<EmailOptions>
    {
        public void PostConfigure(string? name, EmailOptions options) =>
            options.PickupFolder = Path.GetFullPath(options.PickupFolder, environment?.ContentRootPath ?? Directory.GetCurrentDirectory());
    }
}
