using System.Collections.Concurrent;
using Scoring.Transport.Internal;

namespace Scoring.Transport;

/// <summary>The services and methods mapped on this server (for reflection and health).</summary>
public sealed class GrpcServiceRegistry
{
    private readonly ConcurrentDictionary<string, List<string>> _services = new(StringComparer.Ordinal);

    /// <summary>Label set for calls to paths nobody serves, so metric cardinality stays bounded.</summary>
    internal GrpcMethod UnknownMethod { get; } = new("unknown", "unknown", GrpcMethodType.Unary);

    public IReadOnlyCollection<string> ServiceNames => _services.Keys.Order(StringComparer.Ordinal).ToArray();

    public IReadOnlyList<string> MethodsOf(string serviceName) =>
        _services.TryGetValue(serviceName, out var methods) ? methods.ToArray() : [];

    internal int FallbackMapped;

    public bool ContainsService(string serviceName) => _services.ContainsKey(serviceName);

    internal void Add(string serviceName, string methodName)
    {
        var methods = _services.GetOrAdd(serviceName, _ => []);
        lock (methods)
        {
            if (methods.Contains(methodName))
            {
                throw new InvalidOperationException($"gRPC method /{serviceName}/{methodName} is mapped twice.");
            }
            methods.Add(methodName);
        }
    }
}
