using System.Text.Json;
using Checkout.Data;
using Checkout.Data.Realtime;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace Checkout.Web.ScaleOut;

/// <summary>
/// Carries this instance's <see cref="CheckoutEvents"/> to every instance and theirs to this one: a published event
/// is sent through <see cref="EventsHub"/> (and so over the Redis backplane), and this instance's own hub connection
/// hands what arrives to the local subscribers. While the relay is not connected, or the send fails, events are
/// delivered here directly, so the shoppers on this instance never miss them.
/// </summary>
public sealed partial class EventRelay(
    IServer server, IHostApplicationLifetime lifetime, CheckoutEvents events, IHubContext<EventsHub> hub, RelayToken token, ILogger<EventRelay> logger)
    : BackgroundService
{
    private static readonly JsonSerializerOptions Json = CheckoutEventJson.Options;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!await StartedAsync(stoppingToken))
        {
            return;
        }
        var url = new Uri(OwnAddress(), EventsHub.Path);
        await using var connection = new HubConnectionBuilder()
            .WithUrl(url, o => o.AccessTokenProvider = () => Task.FromResult<string?>(token.Issue()))
            .WithAutomaticReconnect(new Forever())
            .Build();
        connection.On<string>(EventsHub.EventMethod, json => events.DeliverAsync(JsonSerializer.Deserialize<CheckoutEvent>(json, Json)!));
        events.FanOut = @event => SendAsync(connection, @event);
        try
        {
            while (connection.State == HubConnectionState.Disconnected && !stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await connection.StartAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogConnectFailed(e, url);
                    await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
                }
            }
            await Task.Delay(Timeout.Infinite, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
        finally
        {
            events.FanOut = null;
        }
    }

    private async Task SendAsync(HubConnection relay, CheckoutEvent @event)
    {
        try
        {
            await hub.Clients.All.SendAsync(EventsHub.EventMethod, JsonSerializer.Serialize(@event, Json));
            if (relay.State == HubConnectionState.Connected)
            {
                return;
            }
        }
        catch (Exception e)
        {
            LogSendFailed(e, @event.GetType().Name);
        }
        await events.DeliverAsync(@event);
    }

    private async Task<bool> StartedAsync(CancellationToken ct)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var registration = lifetime.ApplicationStarted.Register(started.SetResult);
        await Task.WhenAny(started.Task, Task.Delay(Timeout.Infinite, ct));
        return started.Task.IsCompleted;
    }

    /// <summary>This instance's own listening address, with a wildcard host made the loopback.</summary>
    private Uri OwnAddress()
    {
        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses
            .OrderBy(a => a.StartsWith("https", StringComparison.OrdinalIgnoreCase))
            .FirstOrDefault() ?? throw new InvalidOperationException("The server has no listening address to relay events through.");
        var uri = new UriBuilder(address.Replace("://+", "://localhost").Replace("://*", "://localhost").Replace("://[::]", "://localhost").Replace("://0.0.0.0", "://localhost"));
        if (uri.Host == "localhost")
        {
            uri.Host = "127.0.0.1";
        }
        return uri.Uri;
    }

    /// <summary>Keeps reconnecting every second for as long as the instance runs.</summary>
    private sealed class Forever : IRetryPolicy
    {
        public TimeSpan? NextRetryDelay(RetryContext retryContext) => TimeSpan.FromSeconds(1);
    }

    [LoggerMessage(LogLevel.Warning, "The event relay could not connect to {Url}; retrying")]
    private partial void LogConnectFailed(Exception exception, Uri url);

    [LoggerMessage(LogLevel.Warning, "Relaying {Event} to the other instances failed; delivered on this instance only")]
    private partial void LogSendFailed(Exception exception, string @event);
}
