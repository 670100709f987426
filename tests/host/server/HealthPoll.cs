using System.Net;

namespace Cairn.Host.Tests;

/// <summary>Waits for a server on loopback to answer /health with 200, bounded in polls; fails at once when the
/// process has exited. Shared by <see cref="CairnProcess"/> and <see cref="EtcdProcess"/>.</summary>
internal static class HealthPoll
{
    /// <summary>Most /health polls (100 ms apart, each at most 2 s).</summary>
    public const int PollsMax = 300;

    /// <param name="url">The server's client URL.</param>
    /// <param name="exited">Null while the process runs, else why it stopped (with its output).</param>
    /// <param name="what">The server, for the timeout message.</param>
    /// <param name="output">Its output so far, for the timeout message.</param>
    public static async Task Wait(string url, Func<string?> exited, string what, Func<string> output)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        for (int i = 0; i < PollsMax; i++)
        {
            if (exited() is { } reason)
            {
                throw new InvalidOperationException(reason);
            }
            try
            {
                if ((await http.GetAsync(url + "/health")).StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"{what} not healthy after {PollsMax} polls:\n{output()}");
    }
}
