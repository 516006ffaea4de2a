namespace EckRemoteCluster.Engine;

/// <summary>Created once by the module (through reflection, inside the engine's load context).</summary>
internal sealed class EngineEntryPoint : IEngine
{
    public INodeConfigService NodeConfig { get; } = new NodeConfigService();

    public IRules Rules { get; } = new RulesService();
}
