using System.Management.Automation;

namespace EckRemoteCluster.Commands;

/// <summary>Builds ErrorRecords that carry the failure's specific ErrorId and what the user should do next.</summary>
internal static class ErrorRecords
{
    public static ErrorRecord From(EckRemoteClusterException ex) =>
        Create(ex, ex.ErrorId, Map(ex.Category), ex.Target, ex.RecommendedAction);

    public static ErrorRecord Create(Exception ex, string errorId, ErrorCategory category, object? target, string recommendedAction) =>
        new(ex, errorId, category, target)
        {
            ErrorDetails = new ErrorDetails(ex.Message) { RecommendedAction = recommendedAction },
        };

    private static ErrorCategory Map(EckErrorCategory category) => category switch
    {
        EckErrorCategory.InvalidArgument => ErrorCategory.InvalidArgument,
        EckErrorCategory.InvalidData => ErrorCategory.InvalidData,
        EckErrorCategory.ObjectNotFound => ErrorCategory.ObjectNotFound,
        EckErrorCategory.PermissionDenied => ErrorCategory.PermissionDenied,
        EckErrorCategory.AuthenticationError => ErrorCategory.AuthenticationError,
        EckErrorCategory.ConnectionError => ErrorCategory.ConnectionError,
        EckErrorCategory.ResourceUnavailable => ErrorCategory.ResourceUnavailable,
        EckErrorCategory.OperationTimeout => ErrorCategory.OperationTimeout,
        EckErrorCategory.InvalidOperation => ErrorCategory.InvalidOperation,
        EckErrorCategory.NotInstalled => ErrorCategory.NotInstalled,
        EckErrorCategory.WriteError => ErrorCategory.WriteError,
        EckErrorCategory.ReadError => ErrorCategory.ReadError,
        EckErrorCategory.SecurityError => ErrorCategory.SecurityError,
        EckErrorCategory.ResourceExists => ErrorCategory.ResourceExists,
        EckErrorCategory.NotImplemented => ErrorCategory.NotImplemented,
        _ => ErrorCategory.NotSpecified,
    };
}
