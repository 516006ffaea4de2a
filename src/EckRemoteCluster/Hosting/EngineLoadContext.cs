using System.Reflection;
using System.Runtime.Loader;

namespace EckRemoteCluster.Hosting;

/// <summary>
/// The private load context for the engine and its third-party dependencies (KubernetesClient, Elastic.Transport,
/// YamlDotNet…), so that another module in the same session can load other versions of them without either breaking.
/// The module assembly itself is left to the default context: the engine must see the very same contract and output
/// types the cmdlets hand to PowerShell.
/// </summary>
internal sealed class EngineLoadContext : AssemblyLoadContext
{
    private readonly string _dependencyDirectory;
    private readonly AssemblyName _moduleAssemblyName = typeof(EngineLoadContext).Assembly.GetName();

    public EngineLoadContext(string dependencyDirectory)
        : base(name: "EckRemoteCluster.Engine", isCollectible: false)
    {
        _dependencyDirectory = dependencyDirectory;
    }

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        if (AssemblyName.ReferenceMatchesDefinition(assemblyName, _moduleAssemblyName) || IsFrameworkAssembly(assemblyName))
        {
            return null;
        }

        var candidate = Path.Combine(_dependencyDirectory, assemblyName.Name + ".dll");
        return File.Exists(candidate) ? LoadFromAssemblyPath(candidate) : null;
    }

    // Framework assemblies (System.Text.Json and friends) come from the running .NET, which is at least as new as the
    // versions the dependencies were built against; loading a second copy would only split type identities.
    private static bool IsFrameworkAssembly(AssemblyName assemblyName) =>
        File.Exists(Path.Combine(s_frameworkDirectory, assemblyName.Name + ".dll"));

    private static readonly string s_frameworkDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location)!;

    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
    {
        var candidate = Path.Combine(_dependencyDirectory, unmanagedDllName);
        return File.Exists(candidate) ? LoadUnmanagedDllFromPath(candidate) : IntPtr.Zero;
    }
}
