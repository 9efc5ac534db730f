using Google.Protobuf.Reflection;

namespace Scoring.Transport.Reflection.Internal;

/// <summary>
/// Every file reachable from the served files, and every symbol they declare, by the names
/// grpc-go's reflection resolves (protoreflect full names): services, methods, messages
/// (nested too), fields, oneofs, enums, enum values (siblings of their enum, per protobuf's
/// C++ scoping) and extensions.
/// </summary>
internal sealed class DescriptorIndex
{
    private readonly Dictionary<string, FileDescriptor> _files = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FileDescriptor> _symbols = new(StringComparer.Ordinal);
    private readonly Dictionary<string, MessageDescriptor> _messages = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Extendee, int Number), FileDescriptor> _extensions = [];
    private readonly Dictionary<string, SortedSet<int>> _extensionNumbers = new(StringComparer.Ordinal);

    public DescriptorIndex(IEnumerable<FileDescriptor> roots)
    {
        var queue = new Queue<FileDescriptor>(roots);
        while (queue.TryDequeue(out var file))
        {
            if (!_files.TryAdd(file.Name, file))
            {
                continue;
            }

            IndexFile(file);
            foreach (var dependency in file.Dependencies)
            {
                queue.Enqueue(dependency);
            }
        }
    }

    public IEnumerable<FileDescriptor> Files => _files.Values;

    public FileDescriptor? FindFile(string name) => _files.GetValueOrDefault(name);

    public FileDescriptor? FindSymbol(string fullName) => _symbols.GetValueOrDefault(fullName);

    public bool IsService(string fullName) =>
        _symbols.TryGetValue(fullName, out var file) && file.Services.Any(s => s.FullName == fullName);

    public FileDescriptor? FindExtension(string extendee, int number) => _extensions.GetValueOrDefault((extendee, number));

    /// <summary>The extension numbers of a known message type (empty when none), or null for an unknown type.</summary>
    public IReadOnlyCollection<int>? ExtensionNumbersOf(string messageType) =>
        !_messages.ContainsKey(messageType) ? null
        : _extensionNumbers.TryGetValue(messageType, out var numbers) ? numbers
        : [];

    private void IndexFile(FileDescriptor file)
    {
        var scope = file.Package.Length == 0 ? string.Empty : file.Package + ".";
        foreach (var service in file.Services)
        {
            Add(service.FullName, file);
            foreach (var method in service.Methods)
            {
                Add(method.FullName, file);
            }
        }

        foreach (var message in file.MessageTypes)
        {
            IndexMessage(message, file);
        }

        foreach (var enumType in file.EnumTypes)
        {
            IndexEnum(enumType, scope, file);
        }

        foreach (var extension in file.Extensions.UnorderedExtensions)
        {
            IndexExtension(extension, file);
        }
    }

    private void IndexMessage(MessageDescriptor message, FileDescriptor file)
    {
        Add(message.FullName, file);
        _messages.TryAdd(message.FullName, message);
        foreach (var field in message.Fields.InDeclarationOrder())
        {
            Add(field.FullName, file);
        }

        foreach (var oneof in message.Oneofs)
        {
            Add(oneof.FullName, file);
        }

        foreach (var nested in message.NestedTypes)
        {
            IndexMessage(nested, file);
        }

        foreach (var enumType in message.EnumTypes)
        {
            IndexEnum(enumType, message.FullName + ".", file);
        }

        foreach (var extension in message.Extensions.UnorderedExtensions)
        {
            IndexExtension(extension, file);
        }
    }

    private void IndexEnum(EnumDescriptor enumType, string scope, FileDescriptor file)
    {
        Add(enumType.FullName, file);
        foreach (var value in enumType.Values)
        {
            // Enum values are siblings of their enum: scoring.v1.CHANNEL_BRANCH, not scoring.v1.Channel.CHANNEL_BRANCH.
            Add(scope + value.Name, file);
        }
    }

    private void IndexExtension(FieldDescriptor extension, FileDescriptor file)
    {
        Add(extension.FullName, file);
        var extendee = extension.ExtendeeType.FullName;
        _extensions.TryAdd((extendee, extension.FieldNumber), file);
        if (!_extensionNumbers.TryGetValue(extendee, out var numbers))
        {
            _extensionNumbers[extendee] = numbers = [];
        }

        numbers.Add(extension.FieldNumber);
    }

    // The first declaration wins; protobuf forbids duplicates within one pool anyway.
    private void Add(string fullName, FileDescriptor file) => _symbols.TryAdd(fullName, file);
}
