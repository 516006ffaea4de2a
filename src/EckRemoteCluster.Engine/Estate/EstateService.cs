using EckRemoteCluster.Contracts;

namespace EckRemoteCluster.Engine.Estate;

/// <summary>The declarative estate, put together from its parts: reader and writer, observer and planner, executor, exporter.</summary>
internal sealed class EstateService(IEngine engine) : IEstateService
{
    public EstateDocument Read(string yaml, string source) => EstateReader.Read(yaml, source);

    public string Write(EstateDocument document, string? header) => EstateWriter.Write(document, header);

    public Task<IReadOnlyList<EstateLinkPlan>> PlanAsync(
        EstateDocument document, IReadOnlyList<EstateLocalTarget> locals, int throttleLimit, IOperationReporter reporter, CancellationToken cancellationToken) =>
        new EstateObserver(engine).PlanAsync(document, locals, throttleLimit, reporter, cancellationToken);

    public Task<IReadOnlyList<RemoteClusterEstateResult>> ApplyAsync(
        IReadOnlyList<EstateLinkPlan> plans, int throttleLimit, EstateTimings timings, IOperationReporter reporter, CancellationToken cancellationToken) =>
        new EstateExecutor(engine).ApplyAsync(plans, throttleLimit, timings, reporter, cancellationToken);

    public Task<EstateDocument> ExportAsync(EstateLocalTarget local, string? kubeConfig, IOperationReporter reporter, CancellationToken cancellationToken) =>
        new EstateExporter(engine).ExportAsync(local, kubeConfig, reporter, cancellationToken);
}
