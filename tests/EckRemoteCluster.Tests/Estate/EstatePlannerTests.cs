using EckRemoteCluster.Contracts;
using EckRemoteCluster.Engine.Estate;

namespace EckRemoteCluster.Tests.Estate;

/// <summary>Desired (the file) against observed (the clusters and nodes): one action per step, decided without any I/O.</summary>
public sealed class EstatePlannerTests
{
    private static readonly DateTime Now = new(2026, 12, 1, 0, 0, 0, DateTimeKind.Utc);

    private static readonly EstateLink Link = new("prod-eck", "dc1", "prod", RemoteClusterSecurityModel.ApiKey, ["logs-*"], [], TimeSpan.FromDays(90),
        TimeSpan.FromDays(30), null, [new EstateRole("reader", ["logs-*"], ["read"], [], new(1, 1))], new(1, 1));

    private static readonly ObservedKey CurrentKey = new("k1", true, false, ["logs-*"], [], Now.AddDays(-10), Now.AddDays(80));

    private static readonly ObservedLink InPlace = new(true, ObservedState.AsWanted, ObservedState.AsWanted, ObservedState.AsWanted, ObservedCredential.Same,
        CurrentKey, ObservedState.AsWanted, new Dictionary<string, RoleChange> { ["reader"] = RoleChange.Unchanged });

    private static readonly ObservedLink Fresh = new(false, ObservedState.Absent, ObservedState.Absent, ObservedState.Absent, ObservedCredential.Missing,
        null, ObservedState.Absent, new Dictionary<string, RoleChange> { ["reader"] = RoleChange.Created });

    private static Dictionary<EstateStep, EstateAction> Plan(EstateLink link, ObservedLink observed) =>
        EstatePlanner.PlanLink(link, observed, Now).ToDictionary(s => s.Step, s => s.Action);

    [Fact]
    public void AFreshPairCreatesEveryStepInWorkflowOrder()
    {
        var steps = EstatePlanner.PlanLink(Link, Fresh, Now);

        Assert.Equal([EstateStep.RemoteClusterServer, EstateStep.Publish, EstateStep.Trust, EstateStep.ApiKey, EstateStep.Credential, EstateStep.Registration, EstateStep.Role],
            steps.Select(s => s.Step));
        Assert.All(steps, s => Assert.Equal(EstateAction.Create, s.Action));
    }

    [Fact]
    public void ALinkAlreadyInPlaceIsUnchangedInEveryStep()
    {
        Assert.All(EstatePlanner.PlanLink(Link, InPlace, Now), s => Assert.Equal(EstateAction.Unchanged, s.Action));
    }

    [Fact]
    public void AKeyExpiringWithinRotateBeforeIsRotatedWithItsCredential()
    {
        var plan = Plan(Link, InPlace with { Key = CurrentKey with { Creation = Now.AddDays(-70), Expiration = Now.AddDays(20) } });

        Assert.Equal(EstateAction.Rotate, plan[EstateStep.ApiKey]);
        Assert.Equal(EstateAction.Rotate, plan[EstateStep.Credential]);
        Assert.Equal(EstateAction.Unchanged, plan[EstateStep.Registration]);
    }

    [Theory]
    [InlineData(30.0, true)]
    [InlineData(90.0, false)]
    [InlineData(90.0005, false)]
    [InlineData(null, true)]
    public void AKeyWhoseLifetimeDiffersFromKeyExpirationIsRotated(double? lifetimeDays, bool rotated)
    {
        var key = CurrentKey with { Creation = Now.AddDays(-1), Expiration = lifetimeDays is { } d ? Now.AddDays(-1 + d) : null };

        Assert.Equal(rotated ? EstateAction.Rotate : EstateAction.Unchanged, Plan(Link, InPlace with { Key = key })[EstateStep.ApiKey]);
    }

    [Fact]
    public void AKeyThatExpiresIsRotatedWhenTheFileAsksForOneThatDoesNot()
    {
        Assert.Equal(EstateAction.Rotate, Plan(Link with { KeyExpiration = null }, InPlace)[EstateStep.ApiKey]);
        Assert.Equal(EstateAction.Unchanged, Plan(Link with { KeyExpiration = null }, InPlace with { Key = CurrentKey with { Expiration = null } })[EstateStep.ApiKey]);
    }

    [Fact]
    public void DifferentAccessUpdatesTheKeyInPlaceAndLeavesTheKeystoresAlone()
    {
        var plan = Plan(Link with { Search = ["logs-*", "traces-*"] }, InPlace);

        Assert.Equal(EstateAction.Update, plan[EstateStep.ApiKey]);
        Assert.Equal(EstateAction.Unchanged, plan[EstateStep.Credential]);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, true)]
    public void ARevokedOrMissingKeyIsReplacedByANewOne(bool found, bool invalidated)
    {
        var plan = Plan(Link, InPlace with { Key = CurrentKey with { Found = found, Invalidated = invalidated } });

        Assert.Equal(EstateAction.Create, plan[EstateStep.ApiKey]);
        Assert.Equal(EstateAction.Update, plan[EstateStep.Credential]);
    }

    [Fact]
    public void NodesHoldingDifferentCredentialsGetOneNewKey()
    {
        var plan = Plan(Link, InPlace with { Credential = ObservedCredential.Inconsistent, Key = null });

        Assert.Equal(EstateAction.Create, plan[EstateStep.ApiKey]);
        Assert.Equal(EstateAction.Update, plan[EstateStep.Credential]);
    }

    [Fact]
    public void ACaMissingFromTheNodesFileIsAnUpdateAndMissingSettingsACreate()
    {
        Assert.Equal(EstateAction.Update, Plan(Link, InPlace with { Trust = ObservedState.Differs })[EstateStep.Trust]);
        Assert.Equal(EstateAction.Create, Plan(Link, InPlace with { Trust = ObservedState.Absent })[EstateStep.Trust]);
    }

    [Fact]
    public void RolesArePlannedOneRowEachAndAnUnreadRoleIsCreated()
    {
        var link = Link with { Roles = [.. Link.Roles, new EstateRole("writer", ["logs-*"], ["read"], [], new(1, 1))] };

        var roles = EstatePlanner.PlanLink(link, InPlace, Now).Where(s => s.Step == EstateStep.Role).ToList();

        Assert.Equal([("reader", EstateAction.Unchanged), ("writer", EstateAction.Create)], roles.Select(r => (r.Detail, r.Action)));
    }

    [Fact]
    public void ACertificateLinkHasNoServerKeyOrCredentialStep()
    {
        var link = Link with { SecurityModel = RemoteClusterSecurityModel.Certificate, Search = [], Roles = [] };

        var steps = EstatePlanner.PlanLink(link, Fresh with { EckTrust = ObservedState.Differs }, Now);

        Assert.Equal([EstateStep.Publish, EstateStep.EckTrust, EstateStep.Trust, EstateStep.Registration], steps.Select(s => s.Step));
        Assert.Equal(EstateAction.Update, steps[1].Action);
    }

    [Fact]
    public void ARemovalTakesTheCredentialOnlyWhenTheNodesHoldOne()
    {
        Assert.Equal([EstateStep.Registration, EstateStep.Credential], EstatePlanner.PlanRemoval("old", true).Select(s => s.Step));
        Assert.All(EstatePlanner.PlanRemoval("old", true), s => Assert.Equal(EstateAction.Remove, s.Action));
        Assert.Single(EstatePlanner.PlanRemoval("old", false));
    }
}
