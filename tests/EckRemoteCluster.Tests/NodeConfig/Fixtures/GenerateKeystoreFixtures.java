// Writes the keystore fixtures the C# tests read, using the JDK's own crypto (PBKDF2WithHmacSHA512, AES/GCM),
// DataOutputStream.writeUTF and java.util.zip.CRC32: an implementation independent of the C# one under test.
// Run from this directory: java GenerateKeystoreFixtures.java
// Entries in every file: keystore.seed, cluster.remote.eck1.credentials, bootstrap.password (non-ASCII value),
// and binary.file (bytes 0..255).
import java.io.*;
import java.nio.*;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.util.zip.CRC32;
import javax.crypto.*;
import javax.crypto.spec.*;

public class GenerateKeystoreFixtures {
    public static void main(String[] args) throws Exception {
        for (int version = 3; version <= 6; version++) {
            write(version, "", "v" + version + "-nopassword.keystore");
            write(version, "Pässwörd-123", "v" + version + "-password.keystore");
        }
    }

    static void write(int version, String password, String file) throws Exception {
        byte[] binary = new byte[256];
        for (int i = 0; i < 256; i++) binary[i] = (byte) i;
        String[][] strings = {
            {"keystore.seed", "AbCdEfGhIjKlMnOp+?=!"},
            {"cluster.remote.eck1.credentials", "VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw=="},
            {"bootstrap.password", "chängeme-€"},
        };
        ByteArrayOutputStream plain = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(plain);
        out.writeInt(strings.length + 1);
        for (String[] s : strings) {
            out.writeUTF(s[0]);
            if (version == 3) out.writeUTF("STRING");
            byte[] v = s[1].getBytes(StandardCharsets.UTF_8);
            out.writeInt(v.length);
            out.write(v);
        }
        out.writeUTF("binary.file");
        if (version == 3) out.writeUTF("FILE");
        out.writeInt(binary.length);
        out.write(binary);
        out.flush();

        byte[] salt = new byte[64];
        byte[] iv = new byte[12];
        for (int i = 0; i < salt.length; i++) salt[i] = (byte) (i * 7 + version);
        for (int i = 0; i < iv.length; i++) iv[i] = (byte) (i * 13 + version);
        int iterations = version < 6 ? 10000 : 210000;
        SecretKeyFactory factory = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA512");
        byte[] key = factory.generateSecret(new PBEKeySpec(password.toCharArray(), salt, iterations, 128)).getEncoded();
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, iv));
        cipher.updateAAD(salt);
        byte[] encrypted = cipher.doFinal(plain.toByteArray());

        ByteOrder order = version >= 5 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
        ByteArrayOutputStream fileBytes = new ByteArrayOutputStream();
        DataOutputStream f = new DataOutputStream(fileBytes);
        f.writeInt(0x3FD76C17);
        byte[] codec = "elasticsearch.keystore".getBytes(StandardCharsets.UTF_8);
        f.writeByte(codec.length);
        f.write(codec);
        f.writeInt(version);
        f.writeByte(password.isEmpty() ? 0 : 1);
        f.write(intBytes(4 + salt.length + 4 + iv.length + 4 + encrypted.length, order));
        f.write(intBytes(salt.length, order));
        f.write(salt);
        f.write(intBytes(iv.length, order));
        f.write(iv);
        f.write(intBytes(encrypted.length, order));
        f.write(encrypted);
        f.writeInt(~0x3FD76C17);
        f.writeInt(0);
        f.flush();
        CRC32 crc = new CRC32();
        crc.update(fileBytes.toByteArray());
        f.writeLong(crc.getValue());
        f.flush();
        Files.write(Paths.get(file), fileBytes.toByteArray());
    }

    static byte[] intBytes(int value, ByteOrder order) {
        return ByteBuffer.allocate(4).order(order).putInt(value).array();
    }
}
