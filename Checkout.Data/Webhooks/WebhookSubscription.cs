using Checkout.Data.Common;

namespace Checkout.Data.Webhooks;

/// <summary>
/// A partner's endpoint and the events it wants. Its signing secret is kept encrypted with the Data Protection key ring
/// (it signs, so it cannot be hashed); a rotation keeps the secret it replaces signing until <see cref="PreviousSecretUntil"/>.
/// </summary>
public sealed class WebhookSubscription
{
    public const int MaxNameLength = 100;
    public const int MaxUrlLength = 500;

    private WebhookSubscription()
    {
    }

    private WebhookSubscription(string name, Uri url, IReadOnlyList<string> events, string secretCipher, DateTimeOffset now)
    {
        Id = Guid.CreateVersion7(now);
        Name = name;
        Url = url.AbsoluteUri;
        Events = string.Join(' ', events);
        Enabled = true;
        SecretCipher = secretCipher;
        CreatedAt = now;
    }

    public Guid Id { get; private set; }
    public string Name { get; private set; } = "";
    public string Url { get; private set; } = "";

    /// <summary>The wanted events (<see cref="WebhookEvents"/>), separated by spaces.</summary>
    public string Events { get; private set; } = "";

    public bool Enabled { get; private set; }
    public string SecretCipher { get; private set; } = "";
    public string? PreviousSecretCipher { get; private set; }
    public DateTimeOffset? PreviousSecretUntil { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>Since when every attempt failed; null after a success. The dashboard flags it after <see cref="WebhookOptions.FlagFailingAfter"/>.</summary>
    public DateTimeOffset? FailingSince { get; private set; }

    public IReadOnlyList<string> EventList => Events.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    public bool Wants(string webhookEvent) => EventList.Contains(webhookEvent, StringComparer.Ordinal);

    /// <summary>The secrets (encrypted) that sign at <paramref name="now"/>: the current one, then the replaced one during the overlap.</summary>
    public IReadOnlyList<string> SigningCiphers(DateTimeOffset now) =>
        PreviousSecretCipher is { } previous && PreviousSecretUntil > now ? [SecretCipher, previous] : [SecretCipher];

    public static Result<WebhookSubscription> Create(string? name, Uri url, IReadOnlyList<string>? events, string secretCipher, DateTimeOffset now)
    {
        if (Validate(name, events) is { } invalid)
        {
            return invalid;
        }
        return new WebhookSubscription(name!.Trim(), url, Distinct(events!), secretCipher, now);
    }

    public Error? Change(string? name, Uri url, IReadOnlyList<string>? events, bool enabled)
    {
        if (Validate(name, events) is { } invalid)
        {
            return invalid;
        }
        Name = name!.Trim();
        Url = url.AbsoluteUri;
        Events = string.Join(' ', Distinct(events!));
        Enabled = enabled;
        return null;
    }

    /// <summary>Signs with <paramref name="secretCipher"/> from now on; the secret it replaces still signs for <paramref name="overlap"/>.</summary>
    public void Rotate(string secretCipher, DateTimeOffset now, TimeSpan overlap)
    {
        PreviousSecretCipher = SecretCipher;
        PreviousSecretUntil = now + overlap;
        SecretCipher = secretCipher;
    }

    /// <summary>What is wrong with a name and a choice of events, each field's messages under its name; empty when both pass.</summary>
    public static IReadOnlyList<(string Field, string[] Messages)> Refusals(string? name, IReadOnlyList<string>? events)
    {
        var fields = new List<(string Field, string[] Messages)>();
        if (!InputRules.IsText(name, MaxNameLength, required: true))
        {
            fields.Add((nameof(Name), [$"A name is 1–{MaxNameLength} printable characters."]));
        }
        if (events is null || events.Count == 0 || events.Any(e => !WebhookEvents.All.Contains(e, StringComparer.Ordinal)))
        {
            fields.Add((nameof(Events), [$"Choose at least one event of: {string.Join(", ", WebhookEvents.All)}."]));
        }
        return fields;
    }

    /// <summary>The refusal of <paramref name="fields"/> (see <see cref="Refusals"/>), opening with its first message; null when there is none.</summary>
    public static Error? Refusal(IReadOnlyList<(string Field, string[] Messages)> fields) =>
        fields.Count == 0 ? null : FieldErrors.Refusal(ErrorCodes.Validation, $"Check the webhook subscription: {fields[0].Messages[0]}", fields);

    private static Error? Validate(string? name, IReadOnlyList<string>? events) => Refusal(Refusals(name, events));

    private static string[] Distinct(IReadOnlyList<string> events) => [.. WebhookEvents.All.Where(e => events.Contains(e, StringComparer.Ordinal))];
}
