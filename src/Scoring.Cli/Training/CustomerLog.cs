using Scoring.Features.EventLog;
using Scoring.V1;

namespace Scoring.Cli.Training;

/// <summary>All events of one customer in arrival order, with the profile when there is one.</summary>
internal sealed record CustomerLog(string CustomerId, Profile? Profile, List<Event> Events);

/// <summary>
/// Streams an event log customer by customer. The log must keep each customer's events
/// together (as `scoring generate` writes it); a customer that reappears after another one
/// is an error, because replaying a split history would silently lose events.
/// </summary>
internal static class CustomerLogs
{
    public static Dictionary<string, Profile> LoadProfiles(string path)
    {
        var profiles = new Dictionary<string, Profile>(StringComparer.Ordinal);
        foreach (var p in EventLogReader.ReadProfiles(path))
        {
            profiles[p.CustomerId] = p;
        }

        return profiles;
    }

    public static IEnumerable<CustomerLog> Read(string eventsPath, IReadOnlyDictionary<string, Profile> profiles)
    {
        var finished = new HashSet<string>(StringComparer.Ordinal);
        List<Event>? current = null;
        string? id = null;
        foreach (var e in EventLogReader.ReadEvents(eventsPath))
        {
            if (e.CustomerId != id)
            {
                if (id is not null)
                {
                    finished.Add(id);
                    yield return new CustomerLog(id, profiles.GetValueOrDefault(id), current!);
                }

                if (finished.Contains(e.CustomerId))
                {
                    throw new InvalidDataException($"{eventsPath}: a customer's events are not contiguous (event {e.EventId}); the trainer needs a log grouped by customer, as `scoring generate` writes.");
                }

                id = e.CustomerId;
                current = new List<Event>(256);
            }

            current!.Add(e);
        }

        if (id is not null)
        {
            yield return new CustomerLog(id, profiles.GetValueOrDefault(id), current!);
        }
    }

    /// <summary>
    /// Maps every customer through <paramref name="rows"/> on all cores, in batches, keeping the
    /// log's order in the output so a training set is deterministic.
    /// </summary>
    public static List<T> MapParallel<T>(IEnumerable<CustomerLog> logs, Func<CustomerLog, IEnumerable<T>> rows, Action<int>? progress, CancellationToken cancellationToken)
    {
        var result = new List<T>();
        var batch = new List<CustomerLog>(2048);
        var done = 0;
        foreach (var log in logs)
        {
            batch.Add(log);
            if (batch.Count == batch.Capacity)
            {
                Flush();
            }
        }

        Flush();
        return result;

        void Flush()
        {
            var outputs = new List<T>[batch.Count];
            Parallel.For(0, batch.Count, new ParallelOptions { CancellationToken = cancellationToken }, i => outputs[i] = rows(batch[i]).ToList());
            foreach (var o in outputs)
            {
                result.AddRange(o);
            }

            done += batch.Count;
            progress?.Invoke(done);
            batch.Clear();
        }
    }
}
