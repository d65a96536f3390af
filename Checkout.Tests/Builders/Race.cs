namespace Checkout.Tests.Builders;

/// <summary>Starts many operations at the same moment without blocking thread-pool threads while they wait.</summary>
public static class Race
{
    public static async Task<T[]> RunAsync<T>(int count, Func<int, Task<T>> operation)
    {
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tasks = Enumerable.Range(0, count).Select(i => Task.Run(async () =>
        {
            await start.Task;
            return await operation(i);
        })).ToArray();
        start.SetResult();
        return await Task.WhenAll(tasks);
    }
}
