using System.Security.Cryptography;

namespace EckRemoteCluster.Engine.NodeConfig;

/// <summary>
/// The keystore's encryption: key = PBKDF2-HMAC-SHA512(UTF-8 password, salt, 10,000 or 210,000 iterations, 128 bits),
/// AES-128-GCM with a 12-byte IV, the 64-byte salt as additional authenticated data, and the 16-byte tag appended
/// to the ciphertext (as javax.crypto does).
/// </summary>
internal static class KeystoreCipher
{
    public static byte[] DeriveKey(ReadOnlySpan<char> password, ReadOnlySpan<byte> salt, int version)
    {
        var key = new byte[KeystoreFormat.KeyLength];
        Rfc2898DeriveBytes.Pbkdf2(password, salt, key, KeystoreFormat.KdfIterations(version), HashAlgorithmName.SHA512);
        return key;
    }

    /// <summary>Returns the plaintext, or null when the tag does not verify (wrong password or altered data).</summary>
    public static byte[]? Decrypt(ReadOnlySpan<byte> key, byte[] salt, byte[] iv, ReadOnlySpan<byte> ciphertextAndTag)
    {
        int length = ciphertextAndTag.Length - KeystoreFormat.TagLength;
        var plaintext = new byte[length];
        using var aes = new AesGcm(key, KeystoreFormat.TagLength);
        try
        {
            aes.Decrypt(iv, ciphertextAndTag[..length], ciphertextAndTag[length..], plaintext, salt);
            return plaintext;
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }
    }

    public static byte[] Encrypt(ReadOnlySpan<byte> key, byte[] salt, byte[] iv, ReadOnlySpan<byte> plaintext)
    {
        var output = new byte[plaintext.Length + KeystoreFormat.TagLength];
        using var aes = new AesGcm(key, KeystoreFormat.TagLength);
        aes.Encrypt(iv, plaintext, output.AsSpan(0, plaintext.Length), output.AsSpan(plaintext.Length), salt);
        return output;
    }
}
