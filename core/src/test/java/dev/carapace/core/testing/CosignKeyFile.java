package dev.carapace.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import org.bouncycastle.crypto.engines.XSalsa20Engine;
import org.bouncycastle.crypto.generators.SCrypt;
import org.bouncycastle.crypto.macs.Poly1305;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;

/**
 * Writes a private key the way {@code cosign generate-key-pair} does, so that podman 4.3
 * ({@code podman push --sign-by-sigstore-private-key FILE --sign-passphrase-file PASS}) and skopeo
 * can sign with it; there is no cosign on the testbed.
 *
 * <p>The format (cosign's {@code ENCRYPTED COSIGN PRIVATE KEY} PEM block, read by containers/image's
 * {@code signature/sigstore} through go-tuf's {@code encrypted.Decrypt}): the block's bytes are the
 * JSON {@code {"kdf":{"name":"scrypt","params":{"N":32768,"r":8,"p":1},"salt":B64},
 * "cipher":{"name":"nacl/secretbox","nonce":B64},"ciphertext":B64}}, where the key of the NaCl
 * secretbox (XSalsa20-Poly1305, tag first) is scrypt(passphrase, salt, N, r, p, 32) and the sealed
 * plaintext is the key's PKCS#8 DER. BouncyCastle provides scrypt, XSalsa20 and Poly1305.
 */
public final class CosignKeyFile {
  private static final int SCRYPT_N = 32768;
  private static final int SCRYPT_R = 8;
  private static final int SCRYPT_P = 1;

  private CosignKeyFile() {}

  /** Writes {@code key} encrypted with {@code passphrase} (UTF-8) to {@code file}, mode as created. */
  public static void writeEncrypted(Path file, PrivateKey key, String passphrase) {
    SecureRandom random = new SecureRandom();
    byte[] salt = new byte[32];
    byte[] nonce = new byte[24];
    random.nextBytes(salt);
    random.nextBytes(nonce);
    byte[] boxKey =
        SCrypt.generate(passphrase.getBytes(StandardCharsets.UTF_8), salt, SCRYPT_N, SCRYPT_R, SCRYPT_P, 32);
    byte[] sealed = secretboxSeal(key.getEncoded(), nonce, boxKey);
    Arrays.fill(boxKey, (byte) 0);
    Base64.Encoder b64 = Base64.getEncoder();
    String json = "{\"kdf\":{\"name\":\"scrypt\",\"params\":{\"N\":" + SCRYPT_N + ",\"r\":" + SCRYPT_R
        + ",\"p\":" + SCRYPT_P + "},\"salt\":\"" + b64.encodeToString(salt) + "\"},"
        + "\"cipher\":{\"name\":\"nacl/secretbox\",\"nonce\":\"" + b64.encodeToString(nonce) + "\"},"
        + "\"ciphertext\":\"" + b64.encodeToString(sealed) + "\"}";
    write(file, pem("ENCRYPTED COSIGN PRIVATE KEY", json.getBytes(StandardCharsets.UTF_8)));
  }

  /** A new ECDSA P-256 key pair, the kind {@code cosign generate-key-pair} makes. */
  public static java.security.KeyPair generateP256() {
    try {
      java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("EC");
      g.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
      return g.generateKeyPair();
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The public key as cosign writes {@code cosign.pub}: a {@code PUBLIC KEY} (X.509 SPKI) block. */
  public static String publicKeyPem(PublicKey key) {
    return pem("PUBLIC KEY", key.getEncoded());
  }

  /** NaCl {@code secretbox.Seal}: Poly1305 tag (16 bytes) then the XSalsa20 ciphertext. */
  static byte[] secretboxSeal(byte[] plaintext, byte[] nonce, byte[] key) {
    XSalsa20Engine salsa = new XSalsa20Engine();
    salsa.init(true, new ParametersWithIV(new KeyParameter(key), nonce));
    byte[] polyKey = new byte[32];
    salsa.processBytes(new byte[32], 0, 32, polyKey, 0);
    byte[] out = new byte[16 + plaintext.length];
    salsa.processBytes(plaintext, 0, plaintext.length, out, 16);
    Poly1305 poly = new Poly1305();
    poly.init(new KeyParameter(polyKey));
    poly.update(out, 16, plaintext.length);
    poly.doFinal(out, 0);
    Arrays.fill(polyKey, (byte) 0);
    return out;
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  private static void write(Path file, String text) {
    try {
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
