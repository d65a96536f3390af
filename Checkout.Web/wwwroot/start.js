// Starts Blazor with the live connection's pings as the server sends and expects them (CircuitKeepAlive): this page
// pings every data-keep-alive-ms and gives up on a server silent for data-server-timeout-ms.
const { keepAliveMs, serverTimeoutMs } = document.currentScript.dataset;

Blazor.start({
    circuit: {
        configureSignalR: builder => builder.withKeepAliveInterval(Number(keepAliveMs)).withServerTimeout(Number(serverTimeoutMs)),
    },
});
