namespace Checkout.E2E.Infrastructure;

/// <summary>
/// A shop that sends its e-mails to the test SMTP server the test script started (<c>CHECKOUT_TEST_SMTP</c>), whose
/// maildir (<c>CHECKOUT_TEST_MAILDIR</c>) the journeys read as the shopper's inbox. The server and its maildir are
/// shared by every run, so a journey tells its messages apart by a recipient of its own.
/// </summary>
public sealed class MailFixture : StorefrontFixture
{
    public const string ServerVariable = "CHECKOUT_TEST_SMTP";

    public Maildir Inbox { get; } = Maildir.FromEnvironment();

    protected override IReadOnlyDictionary<string, string> Settings
    {
        get
        {
            var server = Environment.GetEnvironmentVariable(ServerVariable) is { Length: > 0 } value
                ? value
                : throw new InvalidOperationException($"Set {ServerVariable} to the test SMTP server (scripts/test.sh starts one), e.g. 127.0.0.1:8025.");
            var colon = server.LastIndexOf(':');
            return new Dictionary<string, string>
            {
                ["Email:Smtp:Host"] = server[..colon],
                ["Email:Smtp:Port"] = server[(colon + 1)..],
                ["Email:Smtp:Security"] = "None",
            };
        }
    }
}
