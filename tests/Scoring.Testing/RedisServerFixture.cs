using Xunit;

namespace Scoring.Testing;

/// <summary>xunit class fixture: one plain redis-server shared by the tests of a class.</summary>
public sealed class RedisServerFixture : IAsyncLifetime
{
    private RedisServer? _server;

    /// <summary>The running server.</summary>
    public RedisServer Server => _server ?? throw new InvalidOperationException("The fixture is not initialised.");

    /// <summary><c>host:port</c> of the server.</summary>
    public string Endpoint => Server.Endpoint;

    /// <inheritdoc />
    public async Task InitializeAsync() => _server = await RedisServer.StartAsync().ConfigureAwait(false);

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync().ConfigureAwait(false);
        }
    }
}
