using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Scoring.Testing;

/// <summary>
/// A real <c>redis-server</c> process on a free loopback port with its own temp directory
/// (no persistence). It can be stopped and restarted on the same port, which reconnect tests
/// need, and is killed on dispose.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private const string Executable = "redis-server";
    private readonly RedisServerOptions _options;
    private readonly StringBuilder _log = new();
    private Process? _process;

    private RedisServer(RedisServerOptions options, string directory, int port, int? tlsPort, RedisTestCertificates? certificates)
    {
        _options = options;
        Directory = directory;
        Port = port;
        TlsPort = tlsPort;
        Certificates = certificates;
    }

    /// <summary>Loopback host the server binds.</summary>
    public string Host => "127.0.0.1";

    /// <summary>Plain-text port.</summary>
    public int Port { get; }

    /// <summary>TLS port when <see cref="RedisServerOptions.Tls"/> was set.</summary>
    public int? TlsPort { get; }

    /// <summary><c>host:port</c> of the plain-text listener.</summary>
    public string Endpoint => $"{Host}:{Port}";

    /// <summary><c>localhost:tlsPort</c> of the TLS listener (the certificate is issued to localhost).</summary>
    public string TlsEndpoint => $"localhost:{TlsPort ?? throw new InvalidOperationException("The server was started without TLS.")}";

    /// <summary>The server's working directory (config, certificates, log).</summary>
    public string Directory { get; }

    /// <summary>Generated certificates when TLS is enabled.</summary>
    public RedisTestCertificates? Certificates { get; }

    /// <summary>Whether the process is running.</summary>
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>The server's output so far, for failure messages.</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>
    /// Whether the installed redis-server can serve TLS (Debian builds link libssl). Tests that
    /// need TLS skip with this reason when it is null-free false.
    /// </summary>
    public static bool SupportsTls => s_supportsTls.Value;

    private static readonly Lazy<bool> s_supportsTls = new(ProbeTls);

    /// <summary>Starts a server and waits until it answers PING.</summary>
    public static async Task<RedisServer> StartAsync(RedisServerOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new RedisServerOptions();
        if (options.Tls && !SupportsTls)
        {
            throw new InvalidOperationException("The installed redis-server was built without TLS support.");
        }

        Exception? last = null;
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var directory = Path.Combine(Path.GetTempPath(), "scoring-redis-" + Guid.NewGuid().ToString("N")[..12]);
            System.IO.Directory.CreateDirectory(directory);
            var certificates = options.Tls ? RedisTestCertificates.Create() : null;
            var server = new RedisServer(options, directory, TestPorts.GetFreeTcpPort(), options.Tls ? TestPorts.GetFreeTcpPort() : null, certificates);
            try
            {
                server.WriteConfig();
                await server.StartProcessAsync(cancellationToken).ConfigureAwait(false);
                return server;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Most likely another process took the port between probing and binding: retry on a new one.
                last = ex;
                await server.DisposeAsync().ConfigureAwait(false);
            }
        }

        throw new InvalidOperationException("redis-server did not start after 5 attempts.", last);
    }

    /// <summary>Kills the process (like a crash: no graceful shutdown) and waits for it to exit.</summary>
    public async Task StopAsync()
    {
        var process = _process;
        _process = null;
        if (process is null)
        {
            return;
        }

        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            await process.WaitForExitAsync().ConfigureAwait(false);
        }
        finally
        {
            process.Dispose();
        }
    }

    /// <summary>Starts the process again on the same ports after <see cref="StopAsync"/>.</summary>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        await StopAsync().ConfigureAwait(false);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            try
            {
                await StartProcessAsync(cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (InvalidOperationException) when (DateTime.UtcNow < deadline)
            {
                // The old socket may linger briefly; try again.
                await Task.Delay(200, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        Certificates?.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp directory left behind is harmless.
        }
    }

    private void WriteConfig()
    {
        var conf = new StringBuilder();
        conf.AppendLine(CultureInfo.InvariantCulture, $"port {Port}");
        conf.AppendLine("bind 127.0.0.1");
        conf.AppendLine(CultureInfo.InvariantCulture, $"dir {Directory}");
        conf.AppendLine("save \"\"");
        conf.AppendLine("appendonly no");
        conf.AppendLine("daemonize no");
        conf.AppendLine("protected-mode no");
        if (_options.Password is { } password)
        {
            conf.AppendLine(CultureInfo.InvariantCulture, $"requirepass {password}");
        }

        foreach (var user in _options.Users)
        {
            conf.AppendLine(CultureInfo.InvariantCulture, $"user {user.Name} on >{user.Password} {user.Rules}");
        }

        if (_options.EnableDebugCommand)
        {
            conf.AppendLine("enable-debug-command yes");
        }

        if (Certificates is not null)
        {
            Certificates.WritePem(Directory);
            conf.AppendLine(CultureInfo.InvariantCulture, $"tls-port {TlsPort}");
            conf.AppendLine(CultureInfo.InvariantCulture, $"tls-cert-file {Path.Combine(Directory, "server.crt")}");
            conf.AppendLine(CultureInfo.InvariantCulture, $"tls-key-file {Path.Combine(Directory, "server.key")}");
            conf.AppendLine(CultureInfo.InvariantCulture, $"tls-ca-cert-file {Path.Combine(Directory, "ca.crt")}");
            conf.AppendLine(_options.RequireClientCertificate ? "tls-auth-clients yes" : "tls-auth-clients optional");
        }

        foreach (var line in _options.ExtraConfig)
        {
            conf.AppendLine(line);
        }

        File.WriteAllText(Path.Combine(Directory, "redis.conf"), conf.ToString());
    }

    private async Task StartProcessAsync(CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Directory,
        };
        info.ArgumentList.Add(Path.Combine(Directory, "redis.conf"));
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        if (!process.Start())
        {
            throw new InvalidOperationException("Could not start redis-server.");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (process.HasExited)
            {
                await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
                _process = null;
                process.Dispose();
                throw new InvalidOperationException($"redis-server exited during start-up. Output:\n{Log}");
            }

            if (await AnswersPingAsync(cancellationToken).ConfigureAwait(false))
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                await StopAsync().ConfigureAwait(false);
                throw new InvalidOperationException($"redis-server did not answer PING within 15 s. Output:\n{Log}");
            }

            await Task.Delay(25, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<bool> AnswersPingAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(Host, Port, cancellationToken).ConfigureAwait(false);
            await socket.SendAsync("PING\r\n"u8.ToArray(), SocketFlags.None, cancellationToken).ConfigureAwait(false);
            var buffer = new byte[64];
            var read = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            var reply = Encoding.ASCII.GetString(buffer, 0, read);
            // "-NOAUTH" also proves the server is up and serving commands.
            return reply.StartsWith("+PONG", StringComparison.Ordinal) || reply.StartsWith("-NOAUTH", StringComparison.Ordinal);
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.AppendLine(line);
        }
    }

    private static bool ProbeTls()
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("ldd")
            {
                ArgumentList = { ResolveExecutable() },
                RedirectStandardOutput = true,
                UseShellExecute = false,
            });
            if (process is null)
            {
                return false;
            }

            var output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return output.Contains("libssl", StringComparison.Ordinal);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    private static string ResolveExecutable()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':'))
        {
            var candidate = Path.Combine(dir, Executable);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return Executable;
    }
}
