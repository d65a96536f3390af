using Checkout.Data.Notifications;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Options;

namespace Checkout.Tests.Notifications;

public sealed class AddNotificationsTests
{
    [Fact]
    public void WithoutAnSmtpHost_MailGoesToThePickupFolderUnderTheContentRoot()
    {
        using var provider = Provider([], contentRoot: "/srv/shop");

        Assert.IsType<PickupFolderEmailSender>(provider.GetRequiredService<IEmailSender>());
        var options = provider.GetRequiredService<IOptions<EmailOptions>>().Value;
        Assert.Equal("/srv/shop/App_Data/mail", options.PickupFolder);
        Assert.Equal(("Checkout <shop@checkout.local>", "Checkout", TimeSpan.FromSeconds(10)), (options.From, options.ShopName, options.Timeout));
        Assert.Equal((587, SmtpSecurity.StartTls), (options.Smtp.Port, options.Smtp.Security));
    }

    [Fact]
    public void WithAnSmtpHost_MailGoesThroughSmtp_AsConfigured()
    {
        using var provider = Provider(new()
        {
            ["Email:Smtp:Host"] = "smtp.tinker.test",
            ["Email:Smtp:Port"] = "465",
            ["Email:Smtp:Security"] = "SslOnConnect",
            ["Email:Smtp:UserName"] = "shop",
            ["Email:Timeout"] = "00:00:03",
            ["Email:PickupFolder"] = "/var/mail/shop",
        }, contentRoot: "/srv/shop");

        Assert.IsType<SmtpEmailSender>(provider.GetRequiredService<IEmailSender>());
        var options = provider.GetRequiredService<IOptions<EmailOptions>>().Value;
        Assert.Equal(("smtp.tinker.test", 465, SmtpSecurity.SslOnConnect, "shop"),
            (options.Smtp.Host, options.Smtp.Port, options.Smtp.Security, options.Smtp.UserName));
        Assert.Equal(TimeSpan.FromSeconds(3), options.Timeout);
        Assert.Equal("/var/mail/shop", options.PickupFolder);
    }

    [Fact]
    public void WithoutAHost_ARelativePickupFolderIsUnderTheWorkingFolder()
    {
        using var provider = Provider([], contentRoot: null);

        Assert.Equal(Path.GetFullPath("App_Data/mail"), provider.GetRequiredService<IOptions<EmailOptions>>().Value.PickupFolder);
    }

    [Theory]
    [InlineData("Email:From", "not an address")]
    [InlineData("Email:Smtp:Port", "0")]
    [InlineData("Email:Timeout", "00:00:00")]
    public void AnInvalidSetting_IsRefused(string key, string value)
    {
        using var provider = Provider(new() { [key] = value }, contentRoot: null);

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<EmailOptions>>().Value);
        Assert.Contains(key.Split(':')[^1], error.Message);
    }

    private static ServiceProvider Provider(Dictionary<string, string?> settings, string? contentRoot)
    {
        var services = new ServiceCollection();
        if (contentRoot is not null)
        {
            services.AddSingleton<IHostEnvironment>(new HostingEnvironment { ContentRootPath = contentRoot });
        }
        services.AddNotifications(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        return services.BuildServiceProvider();
    }
}
