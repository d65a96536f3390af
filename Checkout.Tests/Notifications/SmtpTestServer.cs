using System.Diagnostics;
using System.Globalization;
using Checkout.Tests.Builders;
using Checkout.Data.Notifications;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Checkout.Tests.Notifications;

/// <summary>
/// A real SMTP server (aiosmtpd) that delivers every message it accepts as a file in a maildir. Tests that only need
/// one share the server named by <c>CHECKOUT_TEST_SMTP</c> and <c>CHECKOUT_TEST_MAILDIR</c>; a test that stops and
/// starts the server runs its own on a free 127.0.0.1 port.
/// </summary>
public sealed class SmtpTestServer : IAsyncDisposable
{
    public const string SharedVariable = "CHECKOUT_TEST_SMTP";
    public const string MaildirVariable = Checkout.Testing.Maildir.Variable;

    private readonly bool _private;
    private readonly Maildir _maildir;
    private Process? _process;

    private SmtpTestServer(string host, int port, string maildir, bool isPrivate)
    {
        Host = host;
        Port = port;
        Maildir = maildir;
        _maildir = new Maildir(maildir);
        _private = isPrivate;
    }

    public string Host { get; }
    public int Port { get; }

    /// <summary>The maildir the server delivers to: each message a file in its <c>new/</c> folder.</summary>
    public string Maildir { get; }

    /// <summary>The shared server (never stopped by a test); a missing one fails the test with a hint, it never skips it.</summary>
    public static SmtpTestServer Shared()
    {
        var server = Environment.GetEnvironmentVariable(SharedVariable);
        var maildir = Environment.GetEnvironmentVariable(MaildirVariable);
        if (string.IsNullOrEmpty(server) || string.IsNullOrEmpty(maildir))
        {
            throw new InvalidOperationException(
                $"The e-mail tests need an SMTP server and its maildir: set {SharedVariable} (e.g. 127.0.0.1:8025) and {MaildirVariable}, " +
                "or run scripts/test.sh (or `source scripts/services.sh && services_up`), which starts one.");
        }
        var colon = server.LastIndexOf(':');
        return new SmtpTestServer(server[..colon], int.Parse(server[(colon + 1)..]), maildir, isPrivate: false);
    }

    public static async Task<SmtpTestServer> StartAsync()
    {
        // A folder aiosmtpd creates itself: it lays out tmp/, new/ and cur/ only in a maildir that does not exist yet.
        var maildir = Path.Combine(Directory.CreateTempSubdirectory("checkout-smtp-").FullName, "maildir");
        var server = new SmtpTestServer("127.0.0.1", ServerProcess.FreePort(), maildir, isPrivate: true);
        await server.StartAgainAsync();
        return server;
    }

    public async Task StartAgainAsync()
    {
        if (!_private)
        {
            throw new InvalidOperationException("The shared SMTP server belongs to the whole run: start a private one to stop and start.");
        }
        // Debian's own Python, which python3-aiosmtpd installs the module for.
        _process = await ServerProcess.StartAsync(
            "/usr/bin/python3", ["-m", "aiosmtpd", "-n", "-l", $"{Host}:{Port}", "-c", "aiosmtpd.handlers.Mailbox", Maildir], Port);
    }

    public async Task StopAsync()
    {
        await ServerProcess.StopAsync(_process);
        _process = null;
    }

    /// <summary>A sender to this server: plain SMTP, no login, a short timeout so a stopped server fails fast.</summary>
    public SmtpEmailSender Sender() => new(Options.Create(new EmailOptions
    {
        Smtp = new SmtpOptions { Host = Host, Port = Port, Security = SmtpSecurity.None },
        Timeout = TimeSpan.FromSeconds(5),
    }));

    /// <summary>Points an app's mail at this server.</summary>
    public void SendThrough(IWebHostBuilder web)
    {
        web.UseSetting("Email:Smtp:Host", Host);
        web.UseSetting("Email:Smtp:Port", Port.ToString(CultureInfo.InvariantCulture));
        web.UseSetting("Email:Smtp:Security", "None");
        web.UseSetting("Email:Timeout", "00:00:05");
    }

    /// <summary>Waits until <paramref name="count"/> messages with this Message-ID have arrived, and returns them.</summary>
    public Task<IReadOnlyList<MimeMessage>> ArrivedAsync(string messageId, int count = 1) =>
        _maildir.ArrivedAsync(m => m.MessageId == messageId, $"message(s) <{messageId}>", count);

    /// <summary>The messages with this Message-ID that have arrived by now, without waiting.</summary>
    public List<MimeMessage> ArrivedSoFar(string messageId) => _maildir.Messages(m => m.MessageId == messageId);

    public async ValueTask DisposeAsync()
    {
        if (_private)
        {
            await StopAsync();
            Directory.Delete(Path.GetDirectoryName(Maildir)!, recursive: true);
        }
    }
}
