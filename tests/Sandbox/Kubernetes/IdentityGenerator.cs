namespace Sandbox.Kubernetes;

/// <summary>uids and generated name suffixes; a seed makes a sandbox run reproducible.</summary>
public sealed class IdentityGenerator(int? seed)
{
    // The alphabet apiserver's generateName uses (no vowels, no confusable characters).
    private const string NameAlphabet = "bcdfghjklmnpqrstvwxz2456789";

    private readonly Random random = seed is { } s ? new Random(s) : new Random();
    private readonly object gate = new();

    public string Uid()
    {
        var bytes = new byte[16];
        lock (gate)
        {
            random.NextBytes(bytes);
        }

        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes).ToString();
    }

    public string NameSuffix()
    {
        lock (gate)
        {
            return new string(Enumerable.Range(0, 5).Select(_ => NameAlphabet[random.Next(NameAlphabet.Length)]).ToArray());
        }
    }

    /// <summary>Event names end in a hex timestamp-like suffix (client-go uses the time in nanoseconds).</summary>
    public string EventSuffix()
    {
        lock (gate)
        {
            return random.NextInt64(0x1000000000000, 0xFFFFFFFFFFFFF).ToString("x", System.Globalization.CultureInfo.InvariantCulture);
        }
    }
}
