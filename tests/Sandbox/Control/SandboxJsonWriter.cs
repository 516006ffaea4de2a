using System.Text.Json;
using System.Text.Json.Nodes;

namespace Sandbox.Control;

/// <summary>Writes DIR/sandbox.json atomically (temp file + rename), so a reader never sees half a file.</summary>
public static class SandboxJsonWriter
{
    public const string FileName = "sandbox.json";

    public static void Write(string stateDir, JsonObject root, IEnumerable<ISandboxDescription> parts)
    {
        foreach (var part in parts)
        {
            part.Describe(root);
        }

        var path = Path.Combine(stateDir, FileName);
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        File.Move(temporary, path, overwrite: true);
    }

    public static void Remove(string stateDir) => File.Delete(Path.Combine(stateDir, FileName));
}
