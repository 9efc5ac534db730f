using System.Net.Sockets;

namespace Scoring.Transport.Health;

/// <summary>Ready when a TCP connection to host:port can be opened.</summary>
public sealed class TcpHealthProbe : IHealthProbe
{
    private readonly string _host;
    private readonly int _port;

    public TcpHealthProbe(string name, string host, int port)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(host);
        ArgumentOutOfRangeException.ThrowIfLessThan(port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        Name = name;
        _host = host;
        _port = port;
    }

    public string Name { get; }

    public async ValueTask<bool> CheckAsync(CancellationToken cancellationToken)
    {
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(_host, _port, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
