using System.Net;
using System.Net.Sockets;

namespace Scoring.Testing;

/// <summary>Free loopback ports for servers started by tests.</summary>
public static class TestPorts
{
    /// <summary>
    /// Asks the OS for an unused loopback port. The port is released before returning, so a
    /// parallel test could take it first; callers that bind it should retry on a fresh port.
    /// </summary>
    public static int GetFreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
