using EckRemoteCluster.Contracts;

namespace EckRemoteCluster.Engine.Estate;

/// <summary>The one failure of a bad estate file: every problem found, each with its line and column.</summary>
internal static class EstateFileErrors
{
    public const string Action = "Fix the estate file at the line and column named (docs/estate.md describes every key), "
        + "then run Sync-RemoteClusterEstate -WhatIf to see the plan. Nothing was changed.";

    public static EckRemoteClusterException Invalid(string source, IReadOnlyList<(EstatePosition Position, string Problem)> problems, Exception? inner = null)
    {
        var ordered = problems.OrderBy(p => p.Position.Line).ThenBy(p => p.Position.Column).ToList();
        var first = ordered[0];
        var more = ordered.Count > 1
            ? " Also: " + string.Join(" ", ordered.Skip(1).Take(9).Select(p => $"{p.Position}: {p.Problem}")) + (ordered.Count > 10 ? $" (and {ordered.Count - 10} more)" : string.Empty)
            : string.Empty;
        return new EckRemoteClusterException(
            ErrorIds.EstateFileInvalid,
            EckErrorCategory.InvalidData,
            $"{source}, {first.Position}: {first.Problem}.{more} Nothing was changed.",
            Action,
            source,
            inner);
    }
}
