using System.Management.Automation;
using System.Security;

namespace EckRemoteCluster.Commands;

/// <summary>
/// Lets -ApiKey take either the encoded key as a SecureString or any object that carries one in an EncodedKey
/// property (a CrossClusterApiKey from New-CrossClusterApiKey). A plain string is refused: a key typed on the command
/// line ends up in the history and transcripts.
/// </summary>
internal sealed class ApiKeyTransformationAttribute : ArgumentTransformationAttribute
{
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        var value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
        return value switch
        {
            // A key listed by Get-CrossClusterApiKey has no EncodedKey: let the cmdlet say why that is a problem.
            null => null!,
            SecureString secret => secret,
            string => throw new ArgumentTransformationMetadataException(
                "-ApiKey takes a SecureString or a CrossClusterApiKey, not plain text. "
                + "Pipe the output of New-CrossClusterApiKey, or use (Read-Host -AsSecureString)."),
            _ when PSObject.AsPSObject(inputData).Properties["EncodedKey"]?.Value is SecureString encoded => encoded,

            // Anything else is left to PowerShell's own conversion, whose failure during pipeline binding lets the
            // binder go on to bind the object's EncodedKey property by name.
            _ => inputData,
        };
    }
}
