namespace EckRemoteCluster;

/// <summary>How a failure is classified; mapped one to one onto PowerShell's ErrorCategory by the cmdlets.</summary>
public enum EckErrorCategory
{
    InvalidArgument,
    InvalidData,
    ObjectNotFound,
    PermissionDenied,
    AuthenticationError,
    ConnectionError,
    ResourceUnavailable,
    OperationTimeout,
    InvalidOperation,
    NotInstalled,
    WriteError,
    ReadError,
    SecurityError,
    ResourceExists,
    NotImplemented,
}

/// <summary>
/// A failure the engine understands: it carries the ErrorId, category and recommended action that the cmdlet
/// layer turns into an ErrorRecord, so the engine never needs PowerShell types to report a precise error.
/// Messages must never contain a secret.
/// </summary>
public sealed class EckRemoteClusterException : Exception
{
    public EckRemoteClusterException(
        string errorId,
        EckErrorCategory category,
        string message,
        string recommendedAction,
        object? target = null,
        Exception? inner = null)
        : base(message, inner)
    {
        ErrorId = errorId;
        Category = category;
        RecommendedAction = recommendedAction;
        Target = target;
    }

    public string ErrorId { get; }

    public EckErrorCategory Category { get; }

    public string RecommendedAction { get; }

    public object? Target { get; }
}
