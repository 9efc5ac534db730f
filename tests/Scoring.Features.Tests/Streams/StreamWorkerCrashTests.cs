using System.Diagnostics;
using System.Globalization;
using System.Text;
using Scoring.Features.Store;
using Scoring.Features.Streams;
using Scoring.Features.Tests.Support;
using Scoring.Testing;
using Xunit.Abstractions;
using static Scoring.Features.Tests.Streams.StreamTestSupport;

namespace Scoring.Features.Tests.Streams;

/// <summary>
/// The consumer in a process of its own (tests/Scoring.StreamWorker, feature store as the
/// handler) is killed mid-stream without any chance to clean up, then started again; every
/// event must be applied exactly once in effect.
/// </summary>
public sealed class StreamWorkerCrashTests(RedisServerFixture redis, ITestOutputHelper output) : IClassFixture<RedisServerFixture>
{
    private const string Stream = "events:in";
    private const string Group = "scoring";

    [Fact]
    public async Task StreamWorker_KilledHalfwayAndRestarted_AppliesEveryEventExactlyOnce()
    {
        await using var mux = await RedisConnections.ConnectAsync(redis.Endpoint);
        var client = mux.GetDatabase();
        var log = Purchases("crash", customers: 1000, perCustomer: 100);
        await new StreamEventPublisher(client, Stream).PublishAsync(log);
        Assert.Equal(log.Count, await client.StreamLengthAsync(Stream));

        long ackedAtKill, pendingAtKill;
        using (var first = Worker.Start(redis.Server.Port, "worker-1"))
        {
            while (true)
            {
                var g = await GroupAsync(client, Stream, Group);
                if (g is { EntriesRead: { } read, PendingMessageCount: var pending } && read - pending >= log.Count / 2)
                {
                    first.Kill();
                    var after = (await GroupAsync(client, Stream, Group))!.Value;
                    (ackedAtKill, pendingAtKill) = ((long)after.EntriesRead! - after.PendingMessageCount, after.PendingMessageCount);
                    break;
                }

                Assert.False(first.HasExited, $"the worker exited early:\n{first.Output}");
                await Task.Delay(10);
            }
        }

        output.WriteLine($"killed with {ackedAtKill} acknowledged and {pendingAtKill} delivered but unacknowledged");
        Assert.True(ackedAtKill < log.Count, "the worker was killed before it finished");

        // Same consumer name, as a restarted replica: it re-reads its unacknowledged entries
        // first, then carries on with new ones.
        using (var second = Worker.Start(redis.Server.Port, "worker-1"))
        {
            await WaitUntilAsync(async () => second.HasExited || await DrainedAsync(client, Stream, Group), "lag and pending are 0", TimeSpan.FromSeconds(90));
            Assert.False(second.HasExited, $"the restarted worker exited:\n{second.Output}");
            second.Kill();
        }

        Assert.Equal(0, await client.StreamLengthAsync(Stream + ":dead"));
        await AssertStoreEqualsReplayAsync(new RedisFeatureStore(client), log);
    }

    /// <summary>A running Scoring.StreamWorker process.</summary>
    private sealed class Worker : IDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _output = new();

        private Worker(Process process) => _process = process;

        public bool HasExited => _process.HasExited;

        public string Output
        {
            get
            {
                lock (_output)
                {
                    return _output.ToString();
                }
            }
        }

        public static Worker Start(int port, string consumer)
        {
            var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var arg in new[] { Path(), "--port", port.ToString(CultureInfo.InvariantCulture), "--stream", Stream, "--group", Group, "--consumer", consumer, "--batch", "500", "--claim-idle-ms", "5000" })
            {
                info.ArgumentList.Add(arg);
            }

            var process = new Process { StartInfo = info };
            var worker = new Worker(process);
            process.OutputDataReceived += (_, e) => worker.Append(e.Data);
            process.ErrorDataReceived += (_, e) => worker.Append(e.Data);
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return worker;
        }

        /// <summary>SIGKILL: no shutdown code runs, exactly like a crash.</summary>
        public void Kill()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            _process.WaitForExit();
        }

        public void Dispose()
        {
            Kill();
            _process.Dispose();
        }

        private void Append(string? line)
        {
            if (line is not null)
            {
                lock (_output)
                {
                    _output.AppendLine(line);
                }
            }
        }

        /// <summary>Scoring.StreamWorker.dll of the same configuration as this test assembly (built first via the project reference).</summary>
        private static string Path()
        {
            var baseDir = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(System.IO.Path.DirectorySeparatorChar));
            var framework = baseDir.Name;
            var configuration = baseDir.Parent!.Name;
            var root = baseDir;
            while (root is not null && !File.Exists(System.IO.Path.Combine(root.FullName, "Scoring.sln")))
            {
                root = root.Parent;
            }

            Assert.NotNull(root);
            var dll = System.IO.Path.Combine(root.FullName, "tests", "Scoring.StreamWorker", "bin", configuration, framework, "Scoring.StreamWorker.dll");
            Assert.True(File.Exists(dll), $"{dll} is missing: build tests/Scoring.StreamWorker ({configuration}).");
            return dll;
        }
    }
}
