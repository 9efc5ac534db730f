using Google.Protobuf;
using Scoring.V1;
using StackExchange.Redis;

namespace Scoring.Features.Streams;

/// <summary>
/// The format of an entry in the events stream: exactly one field, <c>e</c>, whose value is the
/// serialized <c>scoring.v1.Event</c> protobuf (binary wire format, not JSON). Other fields are
/// ignored, so producers may add tracing fields; an entry without <c>e</c> or whose <c>e</c> is
/// not a parseable Event is undecodable and goes to the dead-letter stream.
/// </summary>
public static class StreamEntryFormat
{
    /// <summary>The field holding the event bytes.</summary>
    public const string EventField = "e";

    /// <summary>The serialized event for <see cref="EventField"/>.</summary>
    public static byte[] Encode(Event e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return e.ToByteArray();
    }

    /// <summary>The value of <see cref="EventField"/>, or null when the entry has none.</summary>
    public static byte[]? Payload(StreamEntry entry)
    {
        foreach (var field in entry.Values ?? [])
        {
            if (field.Name == EventField)
            {
                return (byte[]?)field.Value ?? [];
            }
        }

        return null;
    }

    /// <summary>Decodes an entry; on failure returns false and a short reason (no payload content).</summary>
    public static bool TryDecode(StreamEntry entry, out Event? result, out string? error)
    {
        result = null;
        var payload = Payload(entry);
        if (payload is null)
        {
            error = $"undecodable: no '{EventField}' field";
            return false;
        }

        try
        {
            result = Event.Parser.ParseFrom(payload);
            error = null;
            return true;
        }
        catch (InvalidProtocolBufferException ex)
        {
            error = "undecodable: " + ex.Message;
            return false;
        }
    }
}
