using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Threading.Channels;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Scoring.Features.EventLog;
using Scoring.V1;
using IngestClient = Scoring.V1.Ingest.IngestClient;
using RpcChannel = Scoring.V1.Channel;
using ScoringClient = Scoring.V1.Scoring.ScoringClient;

namespace Scoring.Cli.Commands;

/// <summary>
/// Commands that talk to a running service (used by run.sh): `wait-healthy`, `load` and `score`.
/// Exit codes: 0 done, 1 the service answered with an error or did not become healthy, 2 bad usage.
/// </summary>
internal static class ServiceCommands
{
    // As the service lists them per call: enough to see what is wrong, bounded for a large load.
    private const int MaxRejectionsShown = 100;

    private static Option<string> TargetOption() => new("--target", "-t") { Description = "Service address, e.g. http://127.0.0.1:50051.", Required = true };

    public static Command WaitHealthy()
    {
        var target = TargetOption();
        var timeout = new Option<double>("--timeout") { Description = "Seconds to wait for SERVING.", DefaultValueFactory = _ => 60 };
        var command = new Command("wait-healthy", "Wait until the service's gRPC health check answers SERVING.") { target, timeout };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var address = parse.GetValue(target)!;
            if (CreateChannel(address) is not { } channel)
            {
                return 2;
            }

            using (channel)
            {
                var health = new Health.HealthClient(channel);
                var limit = TimeSpan.FromSeconds(parse.GetValue(timeout));
                var watch = Stopwatch.StartNew();
                var last = "no answer";
                while (!cancellationToken.IsCancellationRequested)
                {
                    try
                    {
                        var status = (await health.CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(2), cancellationToken: cancellationToken)).Status;
                        if (status == HealthCheckResponse.Types.ServingStatus.Serving)
                        {
                            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{address} is SERVING after {watch.Elapsed.TotalSeconds:0.0} s"));
                            return 0;
                        }

                        last = status.ToString();
                    }
                    catch (RpcException ex)
                    {
                        // A refused or broken connection is a call status too (UNAVAILABLE), not an
                        // HttpRequestException: https://grpc.github.io/grpc/core/md_doc_statuscodes.html
                        last = $"{ex.StatusCode}: {ex.Status.Detail}";
                    }

                    if (watch.Elapsed >= limit)
                    {
                        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"error: {address} not SERVING after {limit.TotalSeconds:0} s (last: {last})"));
                        return 1;
                    }

                    await Task.Delay(250, cancellationToken).ConfigureAwait(false);
                }

                return 1;
            }
        });
        return command;
    }

    public static Command Load()
    {
        var target = TargetOption();
        var profiles = new Option<FileInfo>("--profiles") { Description = "profiles.pb.gz (UpsertProfile each).", Required = true };
        var events = new Option<FileInfo>("--events") { Description = "events.pb.gz (IngestEvents).", Required = true };
        var chunk = new Option<int>("--chunk") { Description = "Events per IngestEvents call.", DefaultValueFactory = _ => 20_000 };
        var parallel = new Option<int>("--parallel") { Description = "Concurrent streams; a customer's events always go through the same one, in file order.", DefaultValueFactory = _ => 4 };
        var command = new Command("load", "Load a population into a running service: profiles, then events through IngestEvents.")
        {
            target, profiles, events, chunk, parallel,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var profilesFile = parse.GetValue(profiles)!;
            var eventsFile = parse.GetValue(events)!;
            var chunkSize = parse.GetValue(chunk);
            var streams = parse.GetValue(parallel);
            if (!profilesFile.Exists || !eventsFile.Exists)
            {
                return Usage($"{(profilesFile.Exists ? "--events" : "--profiles")}: file '{(profilesFile.Exists ? eventsFile : profilesFile).FullName}' does not exist.");
            }

            if (chunkSize < 1 || streams is < 1 or > 64)
            {
                return Usage(chunkSize < 1 ? "--chunk must be at least 1." : "--parallel must be 1 to 64.");
            }

            if (CreateChannel(parse.GetValue(target)!) is not { } channel)
            {
                return 2;
            }

            using (channel)
            {
                try
                {
                    var watch = Stopwatch.StartNew();
                    var ingest = new IngestClient(channel);
                    var (count, created) = await UpsertProfilesAsync(ingest, profilesFile.FullName, cancellationToken).ConfigureAwait(false);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"profiles: {count:N0} upserted ({created:N0} new) in {watch.Elapsed.TotalSeconds:0.0} s"));
                    watch.Restart();
                    var summary = await IngestEventsAsync(ingest, eventsFile.FullName, chunkSize, streams, cancellationToken).ConfigureAwait(false);
                    Console.Write(FormatSummary(summary, watch.Elapsed));
                    return 0;
                }
                catch (RpcException ex)
                {
                    Console.Error.WriteLine($"error: {ex.StatusCode}: {ex.Status.Detail}");
                    return 1;
                }
            }
        });
        return command;
    }

    public static Command Score()
    {
        var target = TargetOption();
        var customer = new Option<string>("--customer", "-c") { Description = "Customer id.", Required = true };
        var channelOption = new Option<string>("--channel") { Description = "mobile-app, call-centre, web, branch, sms or email.", DefaultValueFactory = _ => "mobile-app" };
        var maxOffers = new Option<int>("--max-offers") { Description = "Most offers (1 to 20; 0 = service default)." };
        var maxReasons = new Option<int>("--max-reasons") { Description = "Most churn reasons (1 to 10; 0 = service default)." };
        var command = new Command("score", "Score one customer with GetScores and print the answer.") { target, customer, channelOption, maxOffers, maxReasons };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (!TryParseChannel(parse.GetValue(channelOption)!, out var requestChannel))
            {
                return Usage($"--channel '{parse.GetValue(channelOption)}' is not one of mobile-app, call-centre, web, branch, sms, email.");
            }

            if (CreateChannel(parse.GetValue(target)!) is not { } channel)
            {
                return 2;
            }

            using (channel)
            {
                try
                {
                    var answer = await new ScoringClient(channel).GetScoresAsync(new GetScoresRequest
                    {
                        CustomerId = parse.GetValue(customer)!,
                        Channel = requestChannel,
                        MaxOffers = parse.GetValue(maxOffers),
                        MaxReasons = parse.GetValue(maxReasons),
                    }, deadline: DateTime.UtcNow.AddSeconds(10), cancellationToken: cancellationToken).ConfigureAwait(false);
                    Console.Write(FormatScores(answer, requestChannel));
                    return 0;
                }
                catch (RpcException ex)
                {
                    Console.Error.WriteLine($"error: {ex.StatusCode}: {ex.Status.Detail}");
                    return 1;
                }
            }
        });
        return command;
    }

    /// <summary>"mobile-app", "mobile_app", "MobileApp" and "CHANNEL_MOBILE_APP" all name the same channel.</summary>
    internal static bool TryParseChannel(string text, out RpcChannel channel)
    {
        var key = text.Replace("-", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal);
        if (key.StartsWith("channel", StringComparison.OrdinalIgnoreCase))
        {
            key = key["channel".Length..];
        }

        return Enum.TryParse(key, ignoreCase: true, out channel) && channel != RpcChannel.Unspecified && Enum.IsDefined(channel) && !int.TryParse(key, out _);
    }

    internal static string FormatScores(CustomerScores answer, RpcChannel channel)
    {
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.Append(c, $"customer {answer.CustomerId}, scored at {answer.ScoredAt?.ToDateTimeOffset():u}");
        if (answer.NewestEventTime is not null)
        {
            text.Append(c, $"; newest event {answer.NewestEventTime.ToDateTimeOffset():u} ({Age(answer.NewestEventAge.ToTimeSpan())} before)");
        }

        text.AppendLine();
        if (answer.Churn is { } churn)
        {
            text.AppendLine(c, $"churn risk: {churn.Probability:P1}, band {Name(churn.Band)}");
            foreach (var r in churn.Reasons)
            {
                text.AppendLine(c, $"  - {r.Text} [{r.Code}, {r.Contribution:+0.00;-0.00} log-odds]");
            }
        }

        if (answer.Value is { } value)
        {
            text.AppendLine(c, $"value: tier {Name(value.Tier)} (12-month value {value.ValueScore:N2}), lifecycle {Name(value.Stage)}");
            foreach (var fact in value.StageFacts)
            {
                text.AppendLine(c, $"  - {fact}");
            }
        }

        text.AppendLine(c, $"offers for {Name(channel)}: {(answer.Offers.Count == 0 ? "none" : answer.Offers.Count.ToString(c))}");
        for (var i = 0; i < answer.Offers.Count; i++)
        {
            var o = answer.Offers[i];
            text.AppendLine(c, $"  {i + 1}. {o.Name} [{o.OfferId}]: propensity {o.Propensity:P1}, expected value {o.ExpectedValue:N2}, score {o.Score:N2}");
            text.AppendLine(c, $"     {o.Why}");
        }

        text.AppendLine(c, $"models: {string.Join(", ", answer.Models.Select(m => $"{m.Name} {m.Version} ({Name(m.Role)})"))}");
        return text.ToString();
    }

    internal static string FormatSummary(IngestSummary s, TimeSpan elapsed)
    {
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine(c, $"events: received {s.Received:N0}, applied {s.Applied:N0}, duplicate {s.Duplicate:N0}, late {s.Late:N0}, invalid {s.Invalid:N0} in {elapsed.TotalSeconds:0.0} s ({s.Received / Math.Max(elapsed.TotalSeconds, 1e-3):N0} events/s)");
        foreach (var (reason, count) in s.InvalidByReason.OrderByDescending(p => p.Value))
        {
            text.AppendLine(c, $"  invalid {reason}: {count:N0}");
        }

        foreach (var r in s.Rejections.Take(10))
        {
            text.AppendLine(c, $"  rejected {r.EventId}: {r.Reason} at {r.Field}: {r.Message}");
        }

        return text.ToString();
    }

    private static async Task<(long Count, long Created)> UpsertProfilesAsync(IngestClient ingest, string path, CancellationToken cancellationToken)
    {
        long count = 0, created = 0;
        await Parallel.ForEachAsync(EventLogReader.ReadProfiles(path), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (profile, ct) =>
        {
            var response = await ingest.UpsertProfileAsync(new UpsertProfileRequest { Profile = profile },
                deadline: DateTime.UtcNow.AddSeconds(30), cancellationToken: ct).ConfigureAwait(false);
            Interlocked.Increment(ref count);
            if (response.Created)
            {
                Interlocked.Increment(ref created);
            }
        }).ConfigureAwait(false);
        return (count, created);
    }

    /// <summary>
    /// Streams the events through <paramref name="streams"/> concurrent IngestEvents calls of up to
    /// <paramref name="chunk"/> events each. A customer is pinned to one stream, so each customer's
    /// events arrive in file order, as the lateness and dedupe rules assume.
    /// </summary>
    private static async Task<IngestSummary> IngestEventsAsync(IngestClient ingest, string path, int chunk, int streams, CancellationToken cancellationToken)
    {
        var queues = new Channel<Event>[streams];
        var workers = new Task<IngestSummary>[streams];
        for (var i = 0; i < streams; i++)
        {
            queues[i] = System.Threading.Channels.Channel.CreateBounded<Event>(new BoundedChannelOptions(4096) { SingleReader = true, SingleWriter = true });
            var queue = queues[i].Reader;
            workers[i] = Task.Run(() => StreamAsync(ingest, queue, chunk, cancellationToken), cancellationToken);
        }

        try
        {
            foreach (var e in EventLogReader.ReadEvents(path))
            {
                var lane = (int)((uint)StringComparer.Ordinal.GetHashCode(e.CustomerId) % (uint)streams);
                await queues[lane].Writer.WriteAsync(e, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            foreach (var q in queues)
            {
                q.Writer.TryComplete();
            }
        }

        var total = new IngestSummary();
        foreach (var summary in await Task.WhenAll(workers).ConfigureAwait(false))
        {
            total.Add(summary, MaxRejectionsShown);
        }

        return total;
    }

    private static async Task<IngestSummary> StreamAsync(IngestClient ingest, ChannelReader<Event> queue, int chunk, CancellationToken cancellationToken)
    {
        var total = new IngestSummary();
        while (await queue.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            using var call = ingest.IngestEvents(cancellationToken: cancellationToken);
            var sent = 0;
            while (sent < chunk && await queue.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (sent < chunk && queue.TryRead(out var e))
                {
                    await call.RequestStream.WriteAsync(e, cancellationToken).ConfigureAwait(false);
                    sent++;
                }
            }

            await call.RequestStream.CompleteAsync().ConfigureAwait(false);
            total.Add(await call.ResponseAsync.ConfigureAwait(false), MaxRejectionsShown);
        }

        return total;
    }

    private static GrpcChannel? CreateChannel(string target)
    {
        if (!Uri.TryCreate(target, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            Usage($"--target '{target}' is not an http:// or https:// address such as http://127.0.0.1:50051.");
            return null;
        }

        // http:// is h2c with prior knowledge and https:// negotiates h2 by ALPN; Grpc.Net.Client
        // sends HTTP/2 either way (https://learn.microsoft.com/aspnet/core/grpc/troubleshoot#call-insecure-grpc-services-with-net-core-client).
        return GrpcChannel.ForAddress(uri);
    }

    private static int Usage(string message)
    {
        Console.Error.WriteLine("error: " + message);
        return 2;
    }

    /// <summary>The proto name without the enum's prefix: RISK_BAND_HIGH → HIGH, CHANNEL_MOBILE_APP → MOBILE_APP.</summary>
    private static string Name<T>(T value) where T : struct, Enum
    {
        // The prefix is what the zero value's name has before UNSPECIFIED (proto style guide).
        var prefix = OriginalName(default(T))[..^"UNSPECIFIED".Length];
        var name = OriginalName(value);
        return name.StartsWith(prefix, StringComparison.Ordinal) ? name[prefix.Length..] : name;
    }

    private static string OriginalName<T>(T value) where T : struct, Enum =>
        typeof(T).GetField(value.ToString())?.GetCustomAttributes(typeof(Google.Protobuf.Reflection.OriginalNameAttribute), false)
            .OfType<Google.Protobuf.Reflection.OriginalNameAttribute>().FirstOrDefault()?.Name ?? value.ToString().ToUpperInvariant();

    private static string Age(TimeSpan age) => age.TotalDays >= 1
        ? string.Create(CultureInfo.InvariantCulture, $"{(int)age.TotalDays} d {age.Hours} h")
        : string.Create(CultureInfo.InvariantCulture, $"{(int)age.TotalHours} h {age.Minutes} min");
}
