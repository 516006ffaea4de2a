using System.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using EckRemoteCluster.Contracts;
using EckRemoteCluster.Engine.LocalNodes;
using EckRemoteCluster.Engine.NodeConfig;
using EckRemoteCluster.Tests.NodeConfig;
using Xunit;

namespace EckRemoteCluster.Tests.LocalNodes;

/// <summary>
/// The file semantics every node file write keeps (owner, group, mode, links, temporaries, yml bytes), the per-node
/// lock, and the journal that makes a multi-node write all or none across a kill. Ownership cases need root (CI runs
/// as root): the files are given owners that are not this process's.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class NodeFilesTests : IDisposable
{
    private const string Setting = "cluster.remote.alpha.credentials";
    private const UnixFileMode Rw = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode RwRw = Rw | UnixFileMode.GroupRead | UnixFileMode.GroupWrite;

    private readonly TempDirectory _root = new();

    public void Dispose()
    {
        NodeWriteBatch.BeforeStep = null;
        _root.Dispose();
    }

    private static bool CanChown => OperatingSystem.IsLinux() && UnixFiles.EffectiveUserId == 0;

    private string NewNode(string name, string yml = "cluster.name: local\nnode.name: n\n")
    {
        var directory = Path.Combine(_root.Path, name);
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "elasticsearch.yml"), yml);
        using var keystore = ElasticsearchKeystore.Create(ElasticsearchKeystore.LatestVersion, []);
        keystore.Save(Path.Combine(directory, ElasticsearchKeystore.FileName));
        return directory;
    }

    private static NodeDirectory Local(string path) => new(LocalNodeFiles.Instance, path);

    private static SecureString Secret(string value)
    {
        var secret = new SecureString();
        foreach (var c in value)
        {
            secret.AppendChar(c);
        }

        return secret;
    }

    private static void Chown(string path, long uid, long gid)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read);
        UnixFiles.ChangeOwner(handle, uid, gid);
    }

    private static (long Uid, long Gid, UnixFileMode Mode) Identity(string path) =>
        (UnixFiles.Owner(path)!.Value.Uid, UnixFiles.Owner(path)!.Value.Gid, File.GetUnixFileMode(path));

    private static string? Credential(string node, string setting = Setting)
    {
        using var keystore = ElasticsearchKeystore.Load(Path.Combine(node, ElasticsearchKeystore.FileName), []);
        return keystore.Contains(setting) ? keystore.GetString(setting) : null;
    }

    private static void SetCredential(IReadOnlyList<string> nodes, string setting, string value, TimeSpan? lockTimeout = null)
    {
        using var batch = KeystoreBatch.Open(nodes.Select(Local).ToList(), null, lockTimeout);
        batch.SetEntry(setting, Secret(value));
        batch.Save($"Set {setting}");
    }

    private static string[] Leftovers(string node) =>
        Directory.EnumerateFiles(node, "*", SearchOption.AllDirectories)
            .Select(Path.GetFileName)
            .Where(n => NodeFileNames.IsTemporary(n!) || n == NodeFileNames.JournalFile)
            .ToArray()!;

    [Theory]
    [InlineData(4242, 4243, 0x180)] // elasticsearch:elasticsearch 600
    [InlineData(0, 4243, 0x1B0)]    // root:elasticsearch 660
    public void AKeystoreKeepsItsOwnerGroupAndMode(long uid, long gid, int mode)
    {
        if (!CanChown)
        {
            return;
        }

        var node = NewNode("a");
        var keystore = Path.Combine(node, ElasticsearchKeystore.FileName);
        Chown(keystore, uid, gid);
        File.SetUnixFileMode(keystore, (UnixFileMode)mode);

        SetCredential([node], Setting, "key-1");

        Assert.Equal((uid, gid, (UnixFileMode)mode), Identity(keystore));
        Assert.Equal((uid, gid, (UnixFileMode)mode), Identity(keystore + ".bak"));
        Assert.Equal("key-1", Credential(node));
        Assert.Empty(Leftovers(node));
    }

    [Theory]
    [InlineData(4242, 4243, 5000, "owned by user 4242")] // another user's file (elasticsearch:elasticsearch), this run not root
    [InlineData(0, 4243, 5000, "owned by user 0")]       // root:elasticsearch, this run not root
    [InlineData(5000, 4243, 5000, "its group is 4243")]  // its own file, but in a group this run is not in
    public void ARunThatCannotKeepTheOwnerRefusesBeforeAnyNodeIsWritten(long uid, long gid, long self, string why)
    {
        if (!CanChown)
        {
            return;
        }

        var a = NewNode("a");
        var b = NewNode("b");
        Chown(Path.Combine(b, ElasticsearchKeystore.FileName), uid, gid);
        var before = (File.ReadAllBytes(Path.Combine(a, ElasticsearchKeystore.FileName)), File.ReadAllBytes(Path.Combine(b, ElasticsearchKeystore.FileName)));
        var asUser = new LocalNodeFiles(() => self, () => new HashSet<long> { self });
        Chown(Path.Combine(a, ElasticsearchKeystore.FileName), self, self);
        Chown(Path.Combine(a, "elasticsearch.yml"), self, self);
        Chown(Path.Combine(b, "elasticsearch.yml"), self, self);

        using var batch = KeystoreBatch.Open([new NodeDirectory(asUser, a), new NodeDirectory(asUser, b)], null);
        batch.SetEntry(Setting, Secret("key-1"));
        var error = Assert.Throws<EckRemoteClusterException>(() => batch.Save("test"));

        Assert.Equal("NodeFileOwnerWouldChange", error.ErrorId);
        Assert.Contains("because this incurs changing the file owner", error.Message, StringComparison.Ordinal);
        Assert.Contains(why, error.Message, StringComparison.Ordinal);
        Assert.Equal(before.Item1, File.ReadAllBytes(Path.Combine(a, ElasticsearchKeystore.FileName)));
        Assert.Equal(before.Item2, File.ReadAllBytes(Path.Combine(b, ElasticsearchKeystore.FileName)));
        Assert.Empty(Leftovers(_root.Path));
    }

    [Fact]
    public void TemporariesHaveTheFinalOwnerAndModeBeforeTheSecretIsWritten()
    {
        if (!CanChown)
        {
            return;
        }

        var node = NewNode("a");
        var keystore = Path.Combine(node, ElasticsearchKeystore.FileName);
        Chown(keystore, 4242, 4243);
        File.SetUnixFileMode(keystore, Rw);
        var seen = new List<(long, long, UnixFileMode)>();
        NodeWriteBatch.BeforeStep = step =>
        {
            if (step.StartsWith("journal:", StringComparison.Ordinal))
            {
                seen.AddRange(LocalNodeFiles.Instance.FindTemporaries(node).Select(Identity));
            }
        };

        SetCredential([node], Setting, "key-1");

        Assert.Equal([(4242L, 4243L, Rw)], seen);
    }

    [Fact]
    public void ALinkedKeystoreIsWrittenAtItsTargetAndStaysALink()
    {
        var node = NewNode("a");
        var shared = Path.Combine(_root.Path, "shared");
        Directory.CreateDirectory(shared);
        var keystore = Path.Combine(node, ElasticsearchKeystore.FileName);
        File.Move(keystore, Path.Combine(shared, ElasticsearchKeystore.FileName));
        File.CreateSymbolicLink(keystore, Path.Combine("..", "shared", ElasticsearchKeystore.FileName));

        SetCredential([node], Setting, "key-1");

        Assert.NotNull(new FileInfo(keystore).LinkTarget);
        Assert.Equal("key-1", Credential(shared));
        Assert.True(File.Exists(Path.Combine(shared, ElasticsearchKeystore.FileName + ".bak")));
        Assert.Empty(Leftovers(_root.Path));
    }

    [Fact]
    public void TheSameDirectoryGivenThreeWaysIsOneNode()
    {
        var node = NewNode("a");
        var link = Path.Combine(_root.Path, "link-to-a");
        Directory.CreateSymbolicLink(link, node);

        using var batch = KeystoreBatch.Open([Local(node), Local(node + "/"), Local(link)], null);
        var plans = batch.SetEntry(Setting, Secret("key-1"));
        batch.Save("test");

        Assert.Single(plans);
        Assert.Equal(KeystoreChange.Added, plans[0].Change);
        using var backup = ElasticsearchKeystore.Load(Path.Combine(node, "elasticsearch.keystore.bak"), []);
        Assert.False(backup.Contains(Setting)); // the backup is the state before this run, not a second write's
    }

    [Fact]
    public void StaleTemporariesOfTheModuleAreRemovedWhenTheNodeIsOpened()
    {
        var node = NewNode("a");
        var stale = Path.Combine(node, NodeFileNames.Temporary(ElasticsearchKeystore.FileName));
        File.WriteAllBytes(stale, [1, 2, 3]);
        var foreign = Path.Combine(node, "elasticsearch.keystore.tmp");
        File.WriteAllBytes(foreign, [1]);

        using (KeystoreBatch.Open([Local(node)], null))
        {
        }

        Assert.False(File.Exists(stale));
        Assert.True(File.Exists(foreign));
    }

    [Fact]
    public void ANewCaFileGetsTheOwnerGroupAndModeOfElasticsearchYml()
    {
        if (!CanChown)
        {
            return;
        }

        var node = NewNode("a");
        var yml = Path.Combine(node, "elasticsearch.yml");
        Chown(yml, 0, 4243);
        File.SetUnixFileMode(yml, RwRw);

        using (var batch = TrustBatch.Create([Local(node)], NewCa("remote").ExportCertificatePem(), TrustScope.RemoteClusterClient))
        {
            batch.Save("test");
        }

        Assert.Equal((0L, 4243L, RwRw), Identity(Path.Combine(node, "remote-cluster-ca.crt")));
        Assert.Equal((0L, 4243L, RwRw), Identity(yml));
    }

    [Fact]
    public void TheYmlKeepsItsBytesOutsideTheEditedLines()
    {
        var before = "\uFEFF# caf\u00E9 config\r\ncluster.name: local\r\npath.data: ${DATA_DIR}\r\n# end\r\n";
        var bytes = Encoding.UTF8.GetBytes(before).ToList();
        bytes.InsertRange(bytes.IndexOf((byte)'c', 3) + 3, [0xE9]); // "caf" + a Latin-1 é, invalid UTF-8
        var node = NewNode("a");
        var yml = Path.Combine(node, "elasticsearch.yml");
        File.WriteAllBytes(yml, [.. bytes]);

        using (var batch = TrustBatch.Create([Local(node)], NewCa("remote").ExportCertificatePem(), TrustScope.RemoteClusterClient))
        {
            batch.Save("test");
        }

        var after = File.ReadAllBytes(yml);
        Assert.Equal(bytes.ToArray(), after[..bytes.Count]);
        var added = Encoding.UTF8.GetString(after[bytes.Count..]);
        Assert.Contains("xpack.security.remote_cluster_client.ssl.enabled: true\r\n", added);
        Assert.DoesNotContain("\n", added.Replace("\r\n", string.Empty, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("xpack.security.remote_cluster_client.ssl.enabled: ${SSL}\n")]
    [InlineData("xpack.security.remote_cluster_client.ssl.certificate_authorities: ${CAS}\n")]
    public void AnEnvironmentValueTheEditWouldReplaceIsRefused(string line)
    {
        var node = NewNode("a", "cluster.name: local\n" + line);
        var before = File.ReadAllBytes(Path.Combine(node, "elasticsearch.yml"));

        var error = Assert.Throws<EckRemoteClusterException>(() =>
            TrustBatch.Create([Local(node)], NewCa("remote").ExportCertificatePem(), TrustScope.RemoteClusterClient).Dispose());

        Assert.Equal("NodeSettingFromEnvironment", error.ErrorId);
        Assert.Equal(before, File.ReadAllBytes(Path.Combine(node, "elasticsearch.yml")));
    }

    [Theory]
    [InlineData("truststore")]
    [InlineData("keystore")]
    public void TheRemoteClusterClientCaGoesIntoTheStoreItAlreadyTrusts(string kind)
    {
        using var localCa = NewCa("local");
        using var remoteCa = NewCa("remote");
        var node = NewNode("a",
            $"cluster.name: local\nxpack.security.remote_cluster_client.ssl.enabled: true\nxpack.security.remote_cluster_client.ssl.{kind}.path: certs/client.p12\n");
        Directory.CreateDirectory(Path.Combine(node, "certs"));
        var store = Path.Combine(node, "certs", "client.p12");
        File.WriteAllBytes(store, new X509Certificate2Collection { X509CertificateLoader.LoadCertificate(localCa.RawData) }.Export(X509ContentType.Pkcs12, "pw")!);
        using (var keystore = ElasticsearchKeystore.Load(Path.Combine(node, ElasticsearchKeystore.FileName), []))
        {
            keystore.SetString($"xpack.security.remote_cluster_client.ssl.{kind}.secure_password", "pw");
            keystore.Save(Path.Combine(node, ElasticsearchKeystore.FileName));
        }

        var ymlBefore = File.ReadAllText(Path.Combine(node, "elasticsearch.yml"));
        IReadOnlyList<RemoteClusterTrustResult> results;
        using (var batch = TrustBatch.Create([Local(node)], remoteCa.ExportCertificatePem(), TrustScope.RemoteClusterClient))
        {
            results = batch.Save("test");
        }

        Assert.Equal(ymlBefore, File.ReadAllText(Path.Combine(node, "elasticsearch.yml")));
        Assert.Equal(store, results[0].CaFile);
        Assert.Empty(results[0].ChangedSettings);
        Assert.Contains(Pkcs12Truststore.ReadCertificates(File.ReadAllBytes(store), "pw"), c => c.Thumbprint == remoteCa.Thumbprint);
    }

    [Fact]
    public void AJksTruststoreIsRefusedWithoutWritingCertificateAuthorities()
    {
        var yml = "cluster.name: local\nxpack.security.transport.ssl.truststore.path: truststore.jks\n";
        var node = NewNode("a", yml);
        File.WriteAllBytes(Path.Combine(node, "truststore.jks"), [0xFE, 0xED, 0xFE, 0xED]);

        var error = Assert.Throws<EckRemoteClusterException>(() =>
            TrustBatch.Create([Local(node)], NewCa("remote").ExportCertificatePem(), TrustScope.Transport).Dispose());

        Assert.Equal("NodeTruststoreNotPkcs12", error.ErrorId);
        Assert.Equal(yml, File.ReadAllText(Path.Combine(node, "elasticsearch.yml")));
    }

    /// <summary>The steps of a two-node batch, in order; a kill before any of them must leave both nodes alike after the next run.</summary>
    public static TheoryData<string, bool> CrashPoints => new()
    {
        { "prepare:a", false },
        { "journal:a", false },
        { "prepare:b", false },
        { "journal:b", false },
        { "commit:a", true },
        { "done:a", true },
        { "commit:b", true },
        { "done:b", true },
    };

    [Theory]
    [MemberData(nameof(CrashPoints))]
    public void AKillAtAnyStepIsFinishedOrUndoneOnBothNodesByTheNextRun(string crashBefore, bool finished)
    {
        var a = NewNode("a");
        var b = NewNode("b");
        string Step(string step) => step.Replace(_root.Path + Path.DirectorySeparatorChar, string.Empty, StringComparison.Ordinal);
        NodeWriteBatch.BeforeStep = step =>
        {
            if (Step(step) == crashBefore)
            {
                throw new SimulatedCrashException(step);
            }
        };

        Assert.Throws<SimulatedCrashException>(() => SetCredential([a, b], Setting, "key-1"));
        NodeWriteBatch.BeforeStep = null;

        using (var next = KeystoreBatch.Open([Local(b), Local(a)], null))
        {
            // Before the first journal there is only a temporary to remove, nothing to report.
            bool journaled = crashBefore is not ("prepare:a" or "journal:a");
            Assert.Equal(journaled ? 1 : 0, next.Recovered.Count);
            Assert.All(next.Recovered, line => Assert.StartsWith(finished ? "Finished" : "Undid", line, StringComparison.Ordinal));
        }

        Assert.Equal(finished ? "key-1" : null, Credential(a));
        Assert.Equal(finished ? "key-1" : null, Credential(b));
        Assert.Empty(Leftovers(_root.Path));
    }

    [Fact]
    public void AnInterruptedBatchIsNotSettledWithoutAllItsNodes()
    {
        var a = NewNode("a");
        var b = NewNode("b");
        NodeWriteBatch.BeforeStep = step =>
        {
            if (step.StartsWith("commit:", StringComparison.Ordinal))
            {
                throw new SimulatedCrashException(step);
            }
        };
        Assert.Throws<SimulatedCrashException>(() => SetCredential([a, b], Setting, "key-1"));
        NodeWriteBatch.BeforeStep = null;

        var error = Assert.Throws<EckRemoteClusterException>(() => KeystoreBatch.Open([Local(a)], null));

        Assert.Equal("NodeBatchInterrupted", error.ErrorId);
        Assert.Contains(b, error.RecommendedAction, StringComparison.Ordinal);
        Assert.Null(Credential(a));
    }

    [Fact]
    public void AFailedCommitPutsTheNodesAlreadyWrittenBack()
    {
        var a = NewNode("a");
        var b = NewNode("b");
        SetCredential([a, b], Setting, "old");
        NodeWriteBatch.BeforeStep = step =>
        {
            if (step.StartsWith("commit:", StringComparison.Ordinal) && step.EndsWith("b", StringComparison.Ordinal))
            {
                throw new IOException("disk full");
            }
        };

        Assert.Throws<IOException>(() => SetCredential([a, b], Setting, "new"));

        Assert.Equal("old", Credential(a));
        Assert.Equal("old", Credential(b));
        Assert.Empty(Leftovers(_root.Path));
    }

    [Fact]
    public void ASessionLostWhileCommittingLeavesTheBatchForTheNextRunToFinishOnEveryNode()
    {
        var a = NewNode("a");
        var b = NewNode("b");
        SetCredential([a, b], Setting, "old");
        var reachB = new LosableNodeFiles(LocalNodeFiles.Instance);
        NodeWriteBatch.BeforeStep = step =>
        {
            if (step.StartsWith("commit:", StringComparison.Ordinal) && step.EndsWith("b", StringComparison.Ordinal))
            {
                reachB.Lost = true;
            }
        };

        var error = Assert.Throws<EckRemoteClusterException>(() =>
        {
            using var batch = KeystoreBatch.Open([Local(a), new NodeDirectory(reachB, b)], null);
            batch.SetEntry(Setting, Secret("new"));
            batch.Save($"Set {Setting}");
        });
        NodeWriteBatch.BeforeStep = null;

        Assert.Equal("SessionLost", error.ErrorId);
        Assert.Contains("next run finishes it", error.Message, StringComparison.Ordinal);
        using (var next = KeystoreBatch.Open([Local(a), Local(b)], null))
        {
            Assert.StartsWith("Finished", Assert.Single(next.Recovered), StringComparison.Ordinal);
        }

        Assert.Equal("new", Credential(a));
        Assert.Equal("new", Credential(b));
        Assert.Empty(Leftovers(_root.Path));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ASessionLostWhileTheLastNodesJournalIsWrittenIsSettledTheSameWayOnEveryNode(bool journalWritten)
    {
        var a = NewNode("a");
        var b = NewNode("b");
        SetCredential([a, b], Setting, "old");
        // The last node's journal is the commit point. The session breaks during its write: either after the node
        // renamed it into place (only the reply is lost) or before the request reached the node.
        var reachB = new LosableNodeFiles(LocalNodeFiles.Instance)
        {
            LoseAt = (operation, path) => operation == nameof(INodeFiles.Replace) && path.EndsWith(NodeFileNames.JournalFile, StringComparison.Ordinal),
            LoseAfter = journalWritten,
        };

        var error = Assert.Throws<EckRemoteClusterException>(() =>
        {
            using var batch = KeystoreBatch.Open([Local(a), new NodeDirectory(reachB, b)], null);
            batch.SetEntry(Setting, Secret("new"));
            batch.Save($"Set {Setting}");
        });

        Assert.Equal("SessionLost", error.ErrorId);
        Assert.Contains("finishes the change on all of them or undoes it on all of them", error.Message, StringComparison.Ordinal);
        Assert.Equal(journalWritten, File.Exists(Path.Combine(b, NodeFileNames.JournalFile)));
        using (var next = KeystoreBatch.Open([Local(a), Local(b)], null))
        {
            Assert.StartsWith(journalWritten ? "Finished" : "Undid", Assert.Single(next.Recovered), StringComparison.Ordinal);
        }

        var expected = journalWritten ? "new" : "old";
        Assert.Equal(expected, Credential(a));
        Assert.Equal(expected, Credential(b));
        Assert.Empty(Leftovers(_root.Path));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void ARecoveryInterruptedInTurnIsStillFinishedOnEveryNode(int crashAtRecoveryStep)
    {
        var a = NewNode("a");
        var b = NewNode("b");
        SetCredential([a, b], Setting, "old");
        // Killed before committing node a: every node is journaled, so the batch is to be finished.
        NodeWriteBatch.BeforeStep = step =>
        {
            if (step == $"commit:{a}")
            {
                throw new SimulatedCrashException(step);
            }
        };
        Assert.Throws<SimulatedCrashException>(() => SetCredential([a, b], Setting, "new"));

        // The next run, given the nodes in the other order, is killed in turn while it settles them.
        var recoverySteps = 0;
        NodeWriteBatch.BeforeStep = step =>
        {
            if (step.StartsWith("recover:", StringComparison.Ordinal) && ++recoverySteps == crashAtRecoveryStep)
            {
                throw new SimulatedCrashException(step);
            }
        };
        Assert.Throws<SimulatedCrashException>(() => KeystoreBatch.Open([Local(b), Local(a)], null).Dispose());
        NodeWriteBatch.BeforeStep = null;

        using (var third = KeystoreBatch.Open([Local(b), Local(a)], null))
        {
            Assert.StartsWith("Finished", Assert.Single(third.Recovered), StringComparison.Ordinal);
        }

        Assert.Equal("new", Credential(a));
        Assert.Equal("new", Credential(b));
        Assert.Empty(Leftovers(_root.Path));
    }

    /// <summary>
    /// A node's files through a session that can break: once Lost, every call fails as a broken session does.
    /// <see cref="LoseAt"/> breaks it at one call: before the call reaches the node, or (<see cref="LoseAfter"/>) after
    /// the node did it, when only the reply is lost.
    /// </summary>
    private sealed class LosableNodeFiles(INodeFiles inner) : INodeFiles
    {
        public bool Lost { get; set; }

        public Func<string, string, bool>? LoseAt { get; init; }

        public bool LoseAfter { get; init; }

        public string Location => inner.Location;

        private T Reach<T>(Func<T> call, [System.Runtime.CompilerServices.CallerMemberName] string operation = "", string path = "")
        {
            bool losing = !Lost && LoseAt?.Invoke(operation, path) == true;
            if (losing && !LoseAfter)
            {
                Lost = true;
            }

            if (Lost)
            {
                throw Broken();
            }

            var result = call();
            if (losing)
            {
                Lost = true;
                throw Broken();
            }

            return result;
        }

        private static EckRemoteClusterException Broken() =>
            new("SessionLost", EckErrorCategory.ConnectionError, "The session to b broke.", "Open a new session.", "b");

        private void Reach(Action call, [System.Runtime.CompilerServices.CallerMemberName] string operation = "", string path = "") => Reach(() =>
        {
            call();
            return true;
        }, operation, path);

        public string Combine(string directory, string name) => inner.Combine(directory, name);

        public string RealDirectory(string directory) => Reach(() => inner.RealDirectory(directory));

        public NodeFileInfo? GetInfo(string path) => Reach(() => inner.GetInfo(path));

        public byte[] ReadAllBytes(string path) => Reach(() => inner.ReadAllBytes(path));

        public void EnsureCanKeep(NodeFileInfo like) => inner.EnsureCanKeep(like);

        public string WriteTemporary(string realPath, ReadOnlySpan<byte> content, NodeFileInfo like)
        {
            var bytes = content.ToArray();
            return Reach(() => inner.WriteTemporary(realPath, bytes, like));
        }

        public void Replace(string temporary, string realPath, string? backupPath) => Reach(() => inner.Replace(temporary, realPath, backupPath), path: realPath);

        public void Delete(string path) => Reach(() => inner.Delete(path));

        public IReadOnlyList<string> FindTemporaries(string directory) => Reach(() => inner.FindTemporaries(directory));

        public IDisposable LockDirectory(string directory, NodeFileInfo like, TimeSpan timeout) => inner.LockDirectory(directory, like, timeout);
    }

    [Fact]
    public async Task ConcurrentRunsSerialiseAndNeitherLosesTheOthersEntry()
    {
        for (int trial = 0; trial < 10; trial++)
        {
            var a = NewNode($"a{trial}");
            var b = NewNode($"b{trial}");
            using var start = new Barrier(2);
            var runs = new[] { ("alpha", new[] { a, b }), ("beta", new[] { b, a }) }
                .Select(run => Task.Run(() =>
                {
                    start.SignalAndWait();
                    SetCredential(run.Item2, $"cluster.remote.{run.Item1}.credentials", run.Item1);
                }))
                .ToArray();
            await Task.WhenAll(runs);

            foreach (var node in new[] { a, b })
            {
                Assert.Equal("alpha", Credential(node, "cluster.remote.alpha.credentials"));
                Assert.Equal("beta", Credential(node, "cluster.remote.beta.credentials"));
            }
        }
    }

    [Fact]
    public void ARunThatCannotGetTheLockInTimeFailsWithItsErrorIdAndChangesNothing()
    {
        var a = NewNode("a");
        using var holder = KeystoreBatch.Open([Local(a)], null);

        var error = Assert.Throws<EckRemoteClusterException>(() => SetCredential([a], Setting, "key-1", TimeSpan.FromMilliseconds(200)));

        Assert.Equal("NodeConfigLocked", error.ErrorId);
        Assert.Null(Credential(a));
    }

    [Fact]
    public void YmlTextRoundTripsEveryByteSequence()
    {
        byte[][] samples =
        [
            [0xEF, 0xBB, 0xBF, (byte)'a', 0xE9, (byte)'\r', (byte)'\n'],
            [0xC3, 0xA9, 0xFF, 0xFE, 0x80, 0xED, 0xA0, 0x80, 0xF0, 0x9F, 0x98, 0x80],
            [0xFF, 0xFE, (byte)'a', 0, (byte)'\n', 0],
            [],
        ];
        foreach (var sample in samples)
        {
            var (text, encoding) = YmlFileText.Decode(sample);
            Assert.Equal(sample, YmlFileText.Encode(text, encoding));
        }
    }

    private static X509Certificate2 NewCa(string name)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
    }
}
