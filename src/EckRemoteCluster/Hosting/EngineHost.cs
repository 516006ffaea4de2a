using System.Reflection;
using EckRemoteCluster.Contracts;

namespace EckRemoteCluster.Hosting;

/// <summary>
/// Loads the engine on first use rather than at Import-Module, so importing the module costs no more than loading
/// this one assembly (measured by ./build.ps1 Bench).
/// </summary>
internal static class EngineHost
{
    internal const string DependencyFolderName = "Dependencies";
    private const string EngineAssemblyName = "EckRemoteCluster.Engine";
    private const string EntryPointTypeName = "EckRemoteCluster.Engine.EngineEntryPoint";

    private static readonly Lazy<IEngine> s_engine = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    public static IEngine Engine => s_engine.Value;

    /// <summary>Where the engine lives: Dependencies/ beside the module assembly.</summary>
    public static string DependencyDirectory =>
        Path.Combine(Path.GetDirectoryName(typeof(EngineHost).Assembly.Location)!, DependencyFolderName);

    private static IEngine Load()
    {
        var directory = DependencyDirectory;
        var enginePath = Path.Combine(directory, EngineAssemblyName + ".dll");
        if (!File.Exists(enginePath))
        {
            throw new EckRemoteClusterException(
                ErrorIds.EngineNotFound,
                EckErrorCategory.NotInstalled,
                $"The module's engine was not found at '{enginePath}'.",
                "Reinstall the EckRemoteCluster module; the Dependencies folder beside EckRemoteCluster.dll is incomplete.");
        }

        var context = new EngineLoadContext(directory);
        Assembly engineAssembly = context.LoadFromAssemblyPath(enginePath);
        var entryPoint = engineAssembly.GetType(EntryPointTypeName, throwOnError: true)!;
        return (IEngine)Activator.CreateInstance(entryPoint)!;
    }
}
