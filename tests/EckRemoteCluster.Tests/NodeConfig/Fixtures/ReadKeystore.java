// Decrypts a keystore with the JDK's crypto and prints its entries: a manual cross-check that files written by
// the C# code read back in Java. Usage: java ReadKeystore.java <file> [password]
import java.io.*;
import java.nio.*;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.util.zip.CRC32;
import javax.crypto.*;
import javax.crypto.spec.*;

public class ReadKeystore {
    public static void main(String[] args) throws Exception {
        byte[] file = Files.readAllBytes(Paths.get(args[0]));
        String password = args.length > 1 ? args[1] : "";
        CRC32 crc = new CRC32();
        crc.update(file, 0, file.length - 8);
        long stored = ByteBuffer.wrap(file, file.length - 8, 8).getLong();
        if (stored != crc.getValue()) throw new IllegalStateException("crc mismatch");
        ByteBuffer in = ByteBuffer.wrap(file);
        if (in.getInt() != 0x3FD76C17) throw new IllegalStateException("magic");
        byte[] codec = new byte[in.get()];
        in.get(codec);
        int version = in.getInt();
        int hasPassword = in.get();
        in.order(version >= 5 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
        in.getInt();
        byte[] salt = new byte[in.getInt()]; in.get(salt);
        byte[] iv = new byte[in.getInt()]; in.get(iv);
        byte[] enc = new byte[in.getInt()]; in.get(enc);
        int iterations = version < 6 ? 10000 : 210000;
        byte[] key = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA512")
            .generateSecret(new PBEKeySpec(password.toCharArray(), salt, iterations, 128)).getEncoded();
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, iv));
        cipher.updateAAD(salt);
        DataInputStream data = new DataInputStream(new ByteArrayInputStream(cipher.doFinal(enc)));
        System.out.println(new String(codec, StandardCharsets.UTF_8) + " v" + version + " hasPassword=" + hasPassword);
        for (int n = data.readInt(); n > 0; n--) {
            String name = data.readUTF();
            String type = version == 3 ? " (" + data.readUTF() + ")" : "";
            byte[] value = new byte[data.readInt()];
            data.readFully(value);
            System.out.println(name + type + " = " + new String(value, StandardCharsets.UTF_8));
        }
        if (data.read() != -1) throw new IllegalStateException("trailing bytes");
    }
}
