using System.Text;
using Scoring.Features.Internal;

namespace Scoring.Features.Tests;

/// <summary>Hash64 is stored in customer state (event-id sets, offer entries): its values must never change.</summary>
public sealed class Hash64Tests
{
    [Theory]
    [InlineData("")]
    [InlineData("evt-000001")]
    [InlineData("café-7")]
    [InlineData("訂單-42")]
    [InlineData("emoji-😀")]
    public void Of_AString_EqualsTheHashOfItsUtf8Bytes(string id)
    {
        Assert.Equal(Hash64.Of(Encoding.UTF8.GetBytes(id)), Hash64.Of(id));
    }

    [Fact]
    public void Of_AnIdLongerThanTheStackBuffer_EqualsTheHashOfItsUtf8Bytes()
    {
        var ascii = new string('a', 600);
        var wide = new string('é', 400);
        Assert.Equal(Hash64.Of(Encoding.UTF8.GetBytes(ascii)), Hash64.Of(ascii));
        Assert.Equal(Hash64.Of(Encoding.UTF8.GetBytes(wide)), Hash64.Of(wide));
    }

    [Fact]
    public void Of_KnownIds_GiveTheValuesStoredStatesHold()
    {
        // FNV-1a 64 over UTF-8 plus the murmur3 finaliser, computed independently (Python).
        Assert.Equal(16724920524527889392UL, Hash64.Of("evt-000001"));
        Assert.Equal(13500005284638761625UL, Hash64.Of("café-7"));
    }
}
