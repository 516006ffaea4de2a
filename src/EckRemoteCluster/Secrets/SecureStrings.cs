using System.Runtime.InteropServices;
using System.Security;

namespace EckRemoteCluster.Secrets;

/// <summary>
/// The only places a secret becomes plain characters: briefly, in unmanaged or pinned memory that is zeroed right after
/// use, so that keys and passwords do not linger in managed strings the GC may copy around.
/// </summary>
internal static class SecureStrings
{
    public delegate T CharsFunc<T>(ReadOnlySpan<char> chars);

    /// <summary>Calls <paramref name="use"/> with the secret's characters; an absent secret is an empty span.</summary>
    public static unsafe T Use<T>(SecureString? secret, CharsFunc<T> use)
    {
        if (secret is null || secret.Length == 0)
        {
            return use(ReadOnlySpan<char>.Empty);
        }

        IntPtr buffer = Marshal.SecureStringToGlobalAllocUnicode(secret);
        try
        {
            return use(new ReadOnlySpan<char>((char*)buffer, secret.Length));
        }
        finally
        {
            Marshal.ZeroFreeGlobalAllocUnicode(buffer);
        }
    }

    public static SecureString FromChars(ReadOnlySpan<char> chars)
    {
        var secret = new SecureString();
        foreach (var c in chars)
        {
            secret.AppendChar(c);
        }

        secret.MakeReadOnly();
        return secret;
    }

    /// <summary>Builds a SecureString from UTF-8 bytes without an intermediate managed string.</summary>
    public static SecureString FromUtf8(ReadOnlySpan<byte> utf8)
    {
        char[] chars = new char[System.Text.Encoding.UTF8.GetCharCount(utf8)];
        try
        {
            System.Text.Encoding.UTF8.GetChars(utf8, chars);
            return FromChars(chars);
        }
        finally
        {
            Array.Clear(chars);
        }
    }

    /// <summary>The secret as UTF-8 bytes; the caller owns the array and must clear it.</summary>
    public static byte[] ToUtf8(SecureString secret) =>
        Use(secret, chars =>
        {
            var bytes = new byte[System.Text.Encoding.UTF8.GetByteCount(chars)];
            System.Text.Encoding.UTF8.GetBytes(chars, bytes);
            return bytes;
        });
}
