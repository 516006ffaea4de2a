namespace EckRemoteCluster.Tests.NodeConfig;

/// <summary>Paths of the Java-written fixtures and a scratch directory per test.</summary>
internal static class KeystoreTestFiles
{
    public const string FixturePassword = "Pässwörd-123";
    public const string Credentials = "VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw==";

    public static string Fixture(int version, bool password) =>
        Path.Combine(AppContext.BaseDirectory, "NodeConfig", "Fixtures", $"v{version}-{(password ? "password" : "nopassword")}.keystore");

    public static byte[] BinaryValue() => Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
}

internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "eckrc-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
