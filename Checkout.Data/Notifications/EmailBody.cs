using System.Net;
using System.Text;
using MimeKit;

namespace Checkout.Data.Notifications;

/// <summary>
/// One e-mail's content, written as plain text and as HTML at once so that both parts always say the same. Every value
/// is HTML-encoded on its way into the HTML, whoever wrote it: product names, addresses and the shop's name alike.
/// </summary>
internal sealed class EmailBody
{
    private readonly StringBuilder _text = new();
    private readonly StringBuilder _html = new();

    public EmailBody Paragraph(string text)
    {
        _text.Append(text).Append("\n\n");
        _html.Append("<p>").Append(Encode(text)).Append("</p>\n");
        return this;
    }

    /// <summary>Short lines under a label, such as an address.</summary>
    public EmailBody Lines(string label, IReadOnlyList<string> lines)
    {
        _text.Append(label).Append(":\n");
        foreach (var line in lines)
        {
            _text.Append(line).Append('\n');
        }
        _text.Append('\n');
        _html.Append("<p><strong>").Append(Encode(label)).Append("</strong><br>\n")
            .AppendJoin("<br>\n", lines.Select(Encode)).Append("</p>\n");
        return this;
    }

    /// <summary>Labels and amounts, the amounts aligned to the right.</summary>
    public EmailBody Table(IReadOnlyList<(string Label, string Value)> rows)
    {
        var labelWidth = rows.Max(r => r.Label.Length);
        var valueWidth = rows.Max(r => r.Value.Length);
        _html.Append("<table>\n");
        foreach (var (label, value) in rows)
        {
            _text.Append(label.PadRight(labelWidth)).Append("  ").Append(value.PadLeft(valueWidth)).Append('\n');
            _html.Append("<tr><td>").Append(Encode(label)).Append("</td><td style=\"text-align:right\">").Append(Encode(value)).Append("</td></tr>\n");
        }
        _text.Append('\n');
        _html.Append("</table>\n");
        return this;
    }

    public EmailBody Link(string label, Uri url)
    {
        // Only web links: a javascript: or data: URL in a mail is an attack whatever its encoding.
        if (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
        {
            throw new ArgumentException($"An e-mail links only to http(s) addresses, not {url}.", nameof(url));
        }
        _text.Append(label).Append(": ").Append(url.AbsoluteUri).Append("\n\n");
        _html.Append("<p><a href=\"").Append(Encode(url.AbsoluteUri)).Append("\">").Append(Encode(label)).Append("</a></p>\n");
        return this;
    }

    /// <summary>A <c>multipart/alternative</c> of the text and the HTML.</summary>
    public MimeEntity ToMimeEntity(string title) => new BodyBuilder
    {
        TextBody = _text.ToString(),
        HtmlBody = $"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{Encode(title)}</title></head>\n<body>\n{_html}</body></html>\n",
    }.ToMessageBody();

    private static string Encode(string value) => WebUtility.HtmlEncode(value);
}
