namespace Checkout.Data.Notifications;

/// <summary>The <c>Email</c> section. Without <c>Email:Smtp:Host</c> the shop writes its e-mails to the pickup folder.</summary>
public sealed class EmailOptions
{
    public const string Section = "Email";

    /// <summary>The sender; its domain also names every Message-ID. A display name, if any, wins over <see cref="ShopName"/>.</summary>
    public string From { get; set; } = "Checkout <shop@checkout.local>";

    /// <summary>Where the shop is on the web: the links in e-mails (an order, a claim) start here.</summary>
    public Uri ShopUrl { get; set; } = new("http://localhost:5070/");

    /// <summary>The shop's name as shoppers read it in subjects and texts.</summary>
    public string ShopName { get; set; } = "Checkout";

    public SmtpOptions Smtp { get; set; } = new();

    /// <summary>Where e-mails go as <c>.eml</c> files when there is no SMTP host; a relative path is under the app's content root.</summary>
    public string PickupFolder { get; set; } = "App_Data/mail";

    /// <summary>How long one step of an SMTP exchange (connect, a command, its reply) may take.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>The <c>Email:Smtp</c> section.</summary>
public sealed class SmtpOptions
{
    /// <summary>The relay; unset means no SMTP (the pickup folder).</summary>
    public string? Host { get; set; }

    public int Port { get; set; } = 587;

    public SmtpSecurity Security { get; set; } = SmtpSecurity.StartTls;

    /// <summary>Set to log in; unset sends without authentication.</summary>
    public string? UserName { get; set; }

    public string? Password { get; set; }
}

public enum SmtpSecurity
{
    /// <summary>Plain text all the way (a local relay or test server).</summary>
    None,

    /// <summary>Connects in plain text and requires STARTTLS before anything is sent (port 587).</summary>
    StartTls,

    /// <summary>TLS from the first byte (port 465).</summary>
    SslOnConnect,

    /// <summary>TLS on connect for port 465, else STARTTLS when the server offers it.</summary>
    Auto,
}
