using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Checkout.Data.Webhooks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Checkout.Tests.Webhooks;

/// <summary>
/// A warehouse that receives the shop's webhooks, on 127.0.0.1 only: it verifies each signature with the secrets it
/// was given, processes each event id once (a redelivery is answered 200 and not processed again), notes whether an
/// order's events came in sequence, and on demand answers 500, stays down (503), or answers after a delay (past the
/// shop's attempt timeout: a timeout) — the delay comes after processing, as a slow real receiver's would.
/// </summary>
public sealed class SampleWarehouse : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Lock _gate = new();
    private readonly Random _random = new(25);
    private readonly Dictionary<Guid, int> _lastSequence = [];

    private SampleWarehouse(WebApplication app) => _app = app;

    public string Url { get; private set; } = "";

    /// <summary>The secrets it accepts a signature of; a stale or forged one is answered 401.</summary>
    public IReadOnlyList<string> Secrets { get; set; } = [];

    public TimeSpan Tolerance { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The clock signatures are checked against: the shop's fake clock in tests.</summary>
    public TimeProvider Clock { get; set; } = TimeProvider.System;
    public double FailRate { get; set; }
    public double TimeoutRate { get; set; }
    public TimeSpan TimeoutDelay { get; set; } = TimeSpan.FromSeconds(2);
    public bool Down { get; set; }

    /// <summary>Each processed event id with how many times it was processed (always 1, or the warehouse de-duplicates badly).</summary>
    public ConcurrentDictionary<Guid, int> Processed { get; } = new();

    /// <summary>The processed events' bodies, in arrival order.</summary>
    public ConcurrentQueue<JsonElement> Events { get; } = new();

    public ConcurrentQueue<string> SignatureHeaders { get; } = new();

    public int Requests => _requests;
    public int Refused => _refused;
    public int OutOfSequence => _outOfSequence;

    private int _requests;
    private int _refused;
    private int _outOfSequence;

    public static async Task<SampleWarehouse> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var warehouse = new SampleWarehouse(app);
        app.MapPost("/events", warehouse.ReceiveAsync);
        await app.StartAsync();
        warehouse.Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single() + "/events";
        return warehouse;
    }

    private async Task<IResult> ReceiveAsync(HttpRequest request)
    {
        Interlocked.Increment(ref _requests);
        using var reader = new StreamReader(request.Body);
        var body = await reader.ReadToEndAsync();
        if (Down)
        {
            return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
        }
        string signature = request.Headers[WebhookSignature.Header].ToString();
        SignatureHeaders.Enqueue(signature);
        if (!WebhookSignature.Verify(signature, body, Secrets, Clock.GetUtcNow(), Tolerance))
        {
            Interlocked.Increment(ref _refused);
            return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Bad signature");
        }
        double roll;
        lock (_gate)
        {
            roll = _random.NextDouble();
        }
        if (roll < FailRate)
        {
            return Results.StatusCode(StatusCodes.Status500InternalServerError);
        }
        using var json = JsonDocument.Parse(body);
        var root = json.RootElement.Clone();
        var id = root.GetProperty("id").GetGuid();
        lock (_gate)
        {
            if (!Processed.ContainsKey(id))
            {
                Processed[id] = 1;
                Events.Enqueue(root);
                if (root.GetProperty("order").ValueKind == JsonValueKind.Object)
                {
                    var orderId = root.GetProperty("order").GetProperty("id").GetGuid();
                    var sequence = root.GetProperty("sequence").GetInt32();
                    if (_lastSequence.TryGetValue(orderId, out var last) && sequence <= last)
                    {
                        _outOfSequence++;
                    }
                    _lastSequence[orderId] = sequence;
                }
            }
        }
        if (roll < FailRate + TimeoutRate)
        {
            await Task.Delay(TimeoutDelay);
        }
        return Results.Ok(new { received = id });
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
