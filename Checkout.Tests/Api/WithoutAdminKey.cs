using System.Net;
using System.Text;

namespace Checkout.Tests.Api;

/// <summary>
/// An admin API route called without a valid key, as the admin API tests try each of theirs: with no key and with a
/// wrong one, the body the route would accept from an admin.
/// </summary>
public static class WithoutAdminKey
{
    /// <summary>Each route twice: without the <c>X-Admin-Key</c> header, and with a wrong key.</summary>
    public static TheoryData<string, string, string?, string?> Cases(IEnumerable<(string Method, string Path, string? Body)> routes)
    {
        var data = new TheoryData<string, string, string?, string?>();
        foreach (var (method, path, body) in routes)
        {
            foreach (var key in new[] { null, "wrong-key" })
            {
                data.Add(method, path, body, key);
            }
        }
        return data;
    }

    /// <summary>Sends the request and checks the answer is the admin API's 401 problem.</summary>
    public static async Task AssertRefusedAsync(TestApp app, string method, string path, string? body, string? key)
    {
        using var client = app.CreateClient();
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }
        if (key is not null)
        {
            request.Headers.Add("X-Admin-Key", key);
        }

        await ProblemAssert.IsAsync(await client.SendAsync(request), HttpStatusCode.Unauthorized, "unauthorized");
    }
}
