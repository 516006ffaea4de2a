using EckRemoteCluster.Contracts;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace EckRemoteCluster.Engine.LocalNodes;

/// <summary>
/// The journal that makes a write to several nodes all or none, even when the run is killed between two nodes.
/// <para>Prepare: node by node, every new file is written as a temporary beside its target (with the target's owner,
/// group and mode), then the node's journal (<c>.eckremotecluster.journal</c>: the batch id, every node of the batch
/// in order, and this node's target/temporary/backup paths; never a secret).</para>
/// <para>Commit: node by node, every temporary is renamed over its target (the old file kept as .bak), then the node's
/// journal is deleted.</para>
/// <para>So the last node's journal is the commit point: a later run that finds a journal of the batch looks at the
/// last node of the batch. If its journal is there, every node was prepared, and the batch is finished (the remaining
/// temporaries are renamed in). If not, preparing never reached it, and the batch is undone (the temporaries go).
/// Either way every node ends with the old files or every node with the new ones.</para>
/// </summary>
internal static class NodeJournal
{
    internal sealed record FileEntry(
        [property: JsonPropertyName("target")] string Target,
        [property: JsonPropertyName("temporary")] string Temporary,
        [property: JsonPropertyName("backup")] string? Backup);

    internal sealed record NodeEntry(
        [property: JsonPropertyName("location")] string Location,
        [property: JsonPropertyName("configPath")] string ConfigPath);

    internal sealed record Content(
        [property: JsonPropertyName("batch")] string Batch,
        [property: JsonPropertyName("operation")] string Operation,
        [property: JsonPropertyName("started")] DateTimeOffset Started,
        [property: JsonPropertyName("nodes")] IReadOnlyList<NodeEntry> Nodes,
        [property: JsonPropertyName("files")] IReadOnlyList<FileEntry> Files);

    private static readonly JsonSerializerOptions s_options = new() { WriteIndented = true };

    public static string PathOf(LockedNode node) => node.PathOf(NodeFileNames.JournalFile);

    public static Content? Read(LockedNode node)
    {
        var path = PathOf(node);
        if (node.Files.GetInfo(path) is null)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<Content>(node.Files.ReadAllBytes(path), s_options);
        }
        catch (JsonException ex)
        {
            throw new EckRemoteClusterException(
                ErrorIds.NodeJournalUnreadable,
                EckErrorCategory.InvalidData,
                $"'{path}' (the record of an unfinished change by this module) cannot be read: {ex.Message}",
                "Compare the node's files with their .bak copies, keep the right ones, then delete the journal file and run the command again.",
                path,
                ex);
        }
    }

    public static void Write(LockedNode node, Content content)
    {
        var path = PathOf(node);
        var temporary = node.Files.WriteTemporary(path, JsonSerializer.SerializeToUtf8Bytes(content, s_options), node.Yml);
        node.Files.Replace(temporary, path, backupPath: null);
    }

    public static void Delete(LockedNode node) => node.Files.Delete(PathOf(node));

    /// <summary>Finishes or undoes every batch a journal on these (locked) nodes names; returns what was done.</summary>
    public static IReadOnlyList<string> Recover(IReadOnlyList<LockedNode> nodes)
    {
        var journals = nodes.Select(n => (Node: n, Journal: Read(n))).Where(j => j.Journal is not null).ToList();
        var report = new List<string>();
        foreach (var batch in journals.GroupBy(j => j.Journal!.Batch))
        {
            var content = batch.First().Journal!;
            var members = content.Nodes
                .Select(entry => (Entry: entry, Node: nodes.FirstOrDefault(n => n.Files.Location == entry.Location && n.RealConfigPath == entry.ConfigPath)))
                .ToList();
            var missing = members.Where(m => m.Node is null).Select(m => Describe(m.Entry)).ToList();
            if (missing.Count > 0)
            {
                throw new EckRemoteClusterException(
                    ErrorIds.NodeBatchInterrupted,
                    EckErrorCategory.InvalidOperation,
                    $"An earlier run ('{content.Operation}', started {content.Started:u}) was interrupted while writing several nodes; "
                    + $"it can only be finished or undone with all of them, and this run does not include {string.Join(", ", missing)}.",
                    $"Run the command again with every node of that run: -ConfigPath {string.Join(",", content.Nodes.Select(Describe))}.",
                    content.Batch);
            }

            var last = members[^1].Node!;
            bool forward = Read(last)?.Batch == content.Batch;

            // The last node's journal is the commit point, so it goes last: a recovery interrupted in turn (a kill,
            // a lost session) leaves it for the next run, which then still finishes the batch on every node.
            foreach (var (node, journal) in batch.OrderBy(j => j.Node == last ? 1 : 0))
            {
                NodeWriteBatch.RecoveryStep(node);
                foreach (var file in journal!.Files)
                {
                    bool staged = node.Files.GetInfo(file.Temporary) is not null;
                    if (forward && staged)
                    {
                        node.Files.Replace(file.Temporary, file.Target, file.Backup);
                    }
                    else if (staged)
                    {
                        node.Files.Delete(file.Temporary);
                    }
                }

                Delete(node);
            }

            report.Add(forward
                ? $"Finished an interrupted change ('{content.Operation}', started {content.Started:u}) on {string.Join(", ", content.Nodes.Select(Describe))}: every node now has it."
                : $"Undid an interrupted change ('{content.Operation}', started {content.Started:u}) that had not reached every node; {string.Join(", ", content.Nodes.Select(Describe))} are as before it.");
        }

        return report;
    }

    private static string Describe(NodeEntry entry) => entry.Location.Length == 0 ? entry.ConfigPath : $"{entry.Location}:{entry.ConfigPath}";
}
