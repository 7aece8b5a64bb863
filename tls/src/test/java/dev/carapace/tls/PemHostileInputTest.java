package dev.carapace.tls;

import static org.junit.jupiter.api.Assertions.fail;

import dev.carapace.tls.testing.Fuzz;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Generated PEM files for each reader (certificates and private keys; {@link Fuzz#count()}: 100,000 in
 * CI): mutations of real certificates and keys (EC SEC1 with EC PARAMETERS, RSA PKCS#1 and PKCS#8, made
 * by openssl) and random text. Each either reads or fails with {@link TlsMaterialException}: never
 * another exception type, a slow input (over {@link Fuzz#PER_INPUT}), a hang or an out-of-memory. Fixed
 * seeds, so a failure reproduces.
 */
class PemHostileInputTest {
  private static final int N = Fuzz.count();

  @TempDir Path dir;

  private List<String> seeds() throws Exception {
    HeldCertificate ca = Fixtures.ca("fuzz-ca");
    HeldCertificate client = Fixtures.client(ca);
    List<String> seeds = new ArrayList<>();
    seeds.add(client.certificatePem());
    seeds.add(client.certificatePem() + ca.certificatePem());
    seeds.add(client.privateKeyPkcs8Pem());
    Fixtures.openssl(dir, "genrsa", "-traditional", "-out", "rsa1.pem", "2048");
    Fixtures.openssl(dir, "ecparam", "-name", "prime256v1", "-genkey", "-out", "ec.pem");
    Fixtures.openssl(dir, "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "p8.pem");
    for (String f : List.of("rsa1.pem", "ec.pem", "p8.pem")) {
      seeds.add(Files.readString(dir.resolve(f)));
    }
    return seeds;
  }

  private static String mutate(Random r, List<String> seeds) {
    if (r.nextInt(20) == 0) {
      byte[] junk = new byte[r.nextInt(400)];
      r.nextBytes(junk);
      return new String(junk, StandardCharsets.ISO_8859_1);
    }
    StringBuilder sb = new StringBuilder(seeds.get(r.nextInt(seeds.size())));
    int edits = 1 + r.nextInt(4);
    for (int i = 0; i < edits && sb.length() > 0; i++) {
      int at = r.nextInt(sb.length());
      switch (r.nextInt(7)) {
        case 0 -> sb.setCharAt(at, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-\n ".charAt(r.nextInt(68)));
        case 1 -> sb.deleteCharAt(at);
        case 2 -> sb.setLength(at);                                     // truncated
        case 3 -> sb.insert(at, "-----BEGIN " + List.of("CERTIFICATE", "EC PRIVATE KEY", "PRIVATE KEY",
            "RSA PRIVATE KEY", "ENCRYPTED PRIVATE KEY", "EC PARAMETERS").get(r.nextInt(6)) + "-----\n");
        case 4 -> sb.insert(at, "-----END CERTIFICATE-----\n");
        case 5 -> sb.insert(at, sb.substring(0, Math.min(sb.length(), r.nextInt(200))));  // duplicated part
        default -> sb.setCharAt(at, (char) r.nextInt(0x100));
      }
    }
    return sb.toString();
  }

  @Test
  void certificateAndKeyReadersFailOnlyWithTheirOwnException() throws Exception {
    List<String> seeds = seeds();
    // owner-only, as a key file should be: a readable one would log a warning per read key
    Path file = Files.createFile(dir.resolve("fuzz.pem"),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Random r = new Random(42);
    Fuzz.run("Pem readers", N, i -> mutate(r, seeds), Fuzz::escape, (i, input) -> {
      Files.writeString(file, input, StandardCharsets.ISO_8859_1);
      for (int reader = 0; reader < 2; reader++) {
        try {
          if (reader == 0) {
            Pem.readCertificates(file);
          } else {
            Pem.readPrivateKey(file, i % 2 == 0 ? null : "fuzz".toCharArray());
          }
        } catch (TlsMaterialException expected) {
          if (expected.getMessage() == null || !expected.getMessage().contains(file.toString())) {
            fail("message does not name the file: " + expected.getMessage());
          }
        } catch (RuntimeException | Error e) {
          fail((reader == 0 ? "readCertificates" : "readPrivateKey") + " threw " + e + " on input #" + i + ": "
              + Fuzz.escape(input), e);
        }
      }
    });
  }
}
