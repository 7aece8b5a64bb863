package dev.carapace.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PEM is read exactly as openssl reads it: generated variants of a certificate, an unencrypted
 * PKCS#8 key and a legacy encrypted PKCS#1 key (with RFC 1421 headers) — byte order marks, indented
 * and trailing-blank lines, blank lines, CRLF, text around the markers, other line widths, stray
 * bytes — are each given to {@code openssl x509 -in} or {@code openssl pkey -in} and to Pem, and
 * both must agree on whether the file reads (and Pem, when it reads, on what). Every single edit is
 * tried, then random combinations of two and three with a fixed seed.
 */
class PemAsOpensslReadsTest {
  private static final String BOM = "\u00ef\u00bb\u00bf"; // UTF-8 bytes, one char per byte
  private static final String PASSPHRASE = "pem-variants";

  @TempDir Path dir;
  private int opensslRead;

  /** The edits, by name, on a PEM file's lines (without line ends); line 0 is BEGIN. */
  private static Map<String, UnaryOperator<List<String>>> edits() {
    Map<String, UnaryOperator<List<String>>> edits = new LinkedHashMap<>();
    edits.put("bom", l -> first(l, BOM + l.get(0)));
    edits.put("two boms", l -> first(l, BOM + BOM + l.get(0)));
    edits.put("junk line before", l -> insert(l, 0, "subject=CN = example"));
    edits.put("bom then junk line", l -> insert(l, 0, BOM + "junk"));
    edits.put("junk line then bom on BEGIN", l -> begin(insert(l, 0, "junk"), BOM + l.get(beginIndex(l))));
    edits.put("BEGIN indented by a space", l -> begin(l, " " + l.get(0)));
    edits.put("BEGIN indented by a tab", l -> begin(l, "\t" + l.get(0)));
    edits.put("BEGIN with trailing blanks", l -> begin(l, l.get(0) + " \t "));
    edits.put("BEGIN with trailing text", l -> begin(l, l.get(0) + " x"));
    edits.put("body indented by two spaces", l -> body(l, s -> "  " + s));
    edits.put("body indented by a tab", l -> body(l, s -> "\t" + s));
    edits.put("body with trailing blanks", l -> body(l, s -> s + " \t"));
    edits.put("space inside a body line", l -> bodyLine(l, 0, s -> s.substring(0, 10) + " " + s.substring(10)));
    edits.put("blank line inside the body", l -> insert(l, bodyStart(l) + 1, ""));
    edits.put("blank-looking line of spaces inside the body", l -> insert(l, bodyStart(l) + 1, "   "));
    edits.put("blank line right after BEGIN", l -> insert(l, 1, ""));
    edits.put("END indented by a space", l -> end(l, " " + endLine(l)));
    edits.put("END with trailing blanks", l -> end(l, endLine(l) + "  "));
    edits.put("END with trailing text", l -> end(l, endLine(l) + "x"));
    edits.put("END naming another type", l -> end(l, "-----END OTHER-----"));
    edits.put("END with a trailing 0xA0 byte", l -> end(l, endLine(l) + "\u00a0"));
    edits.put("CRLF line ends", l -> map(l, s -> s + "\r"));
    edits.put("body rewrapped at 76 columns", l -> rewrap(l, 76));
    edits.put("body rewrapped at 40 columns", l -> rewrap(l, 40));
    edits.put("body on one line", l -> rewrap(l, 100_000));
    edits.put("vertical tab inside a body line", l -> bodyLine(l, 0, s -> s.substring(0, 5) + "\u000b" + s.substring(5)));
    edits.put("NUL inside a body line", l -> bodyLine(l, 0, s -> s.substring(0, 5) + "\u0000" + s.substring(5)));
    edits.put("second base64 line dropped", l -> remove(l, bodyStart(l) + 1));
    edits.put("END line missing", l -> remove(l, l.size() - 1));
    edits.put("BEGIN lowercase", l -> begin(l, l.get(0).toLowerCase()));
    return edits;
  }

  private static List<String> first(List<String> l, String line) {
    List<String> copy = new ArrayList<>(l);
    copy.set(0, line);
    return copy;
  }

  private static int beginIndex(List<String> l) {
    for (int i = 0; i < l.size(); i++) {
      if (l.get(i).contains("-----BEGIN ") || l.get(i).contains("-----begin ")) {
        return i;
      }
    }
    return 0;
  }

  private static List<String> begin(List<String> l, String line) {
    List<String> copy = new ArrayList<>(l);
    copy.set(beginIndex(l), line);
    return copy;
  }

  private static int endIndex(List<String> l) {
    for (int i = l.size() - 1; i >= 0; i--) {
      if (l.get(i).contains("-----END ")) {
        return i;
      }
    }
    return l.size() - 1;
  }

  private static String endLine(List<String> l) {
    return l.get(endIndex(l));
  }

  private static List<String> end(List<String> l, String line) {
    List<String> copy = new ArrayList<>(l);
    copy.set(endIndex(l), line);
    return copy;
  }

  /** The first base64 line: after BEGIN and after the headers' blank line, if any. */
  private static int bodyStart(List<String> l) {
    int begin = beginIndex(l);
    for (int i = begin + 1; i < l.size(); i++) {
      if (l.get(i).contains(":")) {
        continue;
      }
      if (l.get(i).isBlank() && i + 1 < l.size()) {
        return i + 1;
      }
      return i;
    }
    return begin + 1;
  }

  private static boolean isBody(List<String> l, int i) {
    return i >= bodyStart(l) && i < endIndex(l) && !l.get(i).isBlank();
  }

  private static List<String> body(List<String> l, UnaryOperator<String> edit) {
    List<String> copy = new ArrayList<>(l);
    for (int i = 0; i < l.size(); i++) {
      if (isBody(l, i)) {
        copy.set(i, edit.apply(l.get(i)));
      }
    }
    return copy;
  }

  private static List<String> bodyLine(List<String> l, int n, UnaryOperator<String> edit) {
    List<String> copy = new ArrayList<>(l);
    int i = bodyStart(l) + n;
    copy.set(i, edit.apply(l.get(i)));
    return copy;
  }

  private static List<String> insert(List<String> l, int at, String line) {
    List<String> copy = new ArrayList<>(l);
    copy.add(at, line);
    return copy;
  }

  private static List<String> remove(List<String> l, int at) {
    List<String> copy = new ArrayList<>(l);
    copy.remove(at);
    return copy;
  }

  private static List<String> map(List<String> l, UnaryOperator<String> edit) {
    List<String> copy = new ArrayList<>();
    for (String s : l) {
      copy.add(edit.apply(s));
    }
    return copy;
  }

  private static List<String> rewrap(List<String> l, int width) {
    int start = bodyStart(l);
    int end = endIndex(l);
    StringBuilder base64 = new StringBuilder();
    for (int i = start; i < end; i++) {
      base64.append(l.get(i).strip());
    }
    List<String> copy = new ArrayList<>(l.subList(0, start));
    for (int i = 0; i < base64.length(); i += width) {
      copy.add(base64.substring(i, Math.min(base64.length(), i + width)));
    }
    copy.addAll(l.subList(end, l.size()));
    return copy;
  }

  private static String join(List<String> lines) {
    return String.join("\n", lines) + "\n";
  }

  /** Whether openssl reads {@code file} ({@code x509} for certificates, {@code pkey} for keys). */
  private boolean opensslReads(Path file, boolean certificate, boolean encrypted) throws Exception {
    List<String> command = new ArrayList<>(List.of("/usr/bin/openssl",
        certificate ? "x509" : "pkey", "-in", file.toString(), "-noout"));
    if (encrypted) {
      command.addAll(List.of("-passin", "pass:" + PASSPHRASE));
    }
    Process process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    process.getOutputStream().close();
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "openssl hangs on " + file);
    return process.exitValue() == 0;
  }

  private record Seed(String name, List<String> lines, boolean certificate, boolean encrypted,
      Object value) {}

  private List<Seed> seeds() throws Exception {
    HeldCertificate held = HeldCertificate.builder().commonName("variants").rsa(2048).build();
    Fixtures.openssl(dir, "genrsa", "-traditional", "-aes256", "-passout", "pass:" + PASSPHRASE,
        "-out", "legacy.pem", "2048");
    String legacy = Files.readString(dir.resolve("legacy.pem"));
    assertTrue(legacy.contains("Proc-Type: 4,ENCRYPTED\nDEK-Info: "), legacy.substring(0, 80));
    return List.of(
        new Seed("certificate", held.certificatePem().lines().toList(), true, false,
            held.certificate()),
        new Seed("pkcs8 key", held.privateKeyPkcs8Pem().lines().toList(), false, false,
            held.keyPair().getPrivate()),
        new Seed("encrypted pkcs1 key", legacy.lines().toList(), false, true,
            Pem.readPrivateKey(dir.resolve("legacy.pem"), PASSPHRASE.toCharArray())));
  }

  private String check(Seed seed, String label, List<String> lines, int n) throws Exception {
    Path file = dir.resolve("variant-" + n + ".pem");
    Files.write(file, join(lines).getBytes(StandardCharsets.ISO_8859_1));
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    boolean openssl = opensslReads(file, seed.certificate(), seed.encrypted());
    if (openssl) {
      opensslRead++;
    }
    Object ours;
    try {
      ours = seed.certificate() ? (Object) Pem.readCertificate(file)
          : Pem.readPrivateKey(file, seed.encrypted() ? PASSPHRASE.toCharArray() : null);
    } catch (TlsMaterialException e) {
      assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
      ours = null;
    }
    if (ours != null) {
      assertEquals(seed.value(), ours, seed.name() + " with " + label + " reads as something else");
    }
    return openssl == (ours != null) ? null
        : seed.name() + " with " + label + ": openssl " + (openssl ? "reads" : "refuses")
            + " it, Pem " + (ours != null ? "reads" : "refuses") + " it";
  }

  @Test
  void pemAcceptsExactlyWhatOpensslAccepts() throws Exception {
    Map<String, UnaryOperator<List<String>>> edits = edits();
    List<String> names = new ArrayList<>(edits.keySet());
    List<String> disagreements = new ArrayList<>();
    int n = 0;
    int accepted = 0;
    for (Seed seed : seeds()) {
      String none = check(seed, "no edit", seed.lines(), n++);
      assertEquals(null, none);
      for (String name : names) {
        String result = check(seed, name, edits.get(name).apply(seed.lines()), n++);
        if (result != null) {
          disagreements.add(result);
        }
      }
      Random random = new Random(1421);
      for (int i = 0; i < 40; i++) {
        List<String> lines = seed.lines();
        List<String> applied = new ArrayList<>();
        for (int k = 0; k < 2 + random.nextInt(2); k++) {
          String name = names.get(random.nextInt(names.size()));
          applied.add(name);
          lines = edits.get(name).apply(lines);
        }
        String result = check(seed, String.join(" + ", applied), lines, n++);
        if (result != null) {
          disagreements.add(result);
        }
      }
    }
    assertEquals(List.of(), disagreements);
    assertTrue(n > 200, "variants tried: " + n);
    // both verdicts are well represented, so agreement says something
    assertTrue(opensslRead > n / 5 && opensslRead < n * 4 / 5, opensslRead + " of " + n + " read");
  }

  @Test
  void bomAndIndentedBase64ReadLikeOpenssl() throws IOException {
    HeldCertificate held = Fixtures.ca("bom");
    Path bom = dir.resolve("bom.pem");
    Files.write(bom, (BOM + held.certificatePem()).getBytes(StandardCharsets.ISO_8859_1));
    assertEquals(held.certificate(), Pem.readCertificate(bom));
    Path indented = dir.resolve("indented.pem");
    Files.writeString(indented, String.join("\n", map(held.certificatePem().lines().toList(),
        s -> s.startsWith("-----") ? s : "    " + s)) + "\n");
    X509Certificate read = Pem.readCertificate(indented);
    assertEquals(held.certificate(), read);
  }

  @Test
  void anIndentedBeginLineIsNamedInTheMessage() throws IOException {
    HeldCertificate held = Fixtures.ca("indented");
    Path file = dir.resolve("indented.pem");
    Files.writeString(file, String.join("\n", map(held.certificatePem().lines().toList(),
        s -> "  " + s)) + "\n");
    TlsMaterialException e = assertThrows(
        TlsMaterialException.class, () -> Pem.readCertificates(file));
    assertEquals("certificate file contains no CERTIFICATE block: " + file + " (no PEM block;"
        + " line 1: the BEGIN line is indented; a BEGIN or END line must start in the first"
        + " column, as openssl requires)", e.getMessage());

    Path key = dir.resolve("indented-key.pem");
    Files.writeString(key, "\n" + String.join("\n", map(held.privateKeyPkcs8Pem().lines().toList(),
        s -> "\t" + s)) + "\n");
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
    TlsMaterialException k = assertThrows(
        TlsMaterialException.class, () -> Pem.readPrivateKey(key));
    assertEquals("private key file contains no private key: " + key + " (no PEM block;"
        + " line 2: the BEGIN line is indented; a BEGIN or END line must start in the first"
        + " column, as openssl requires)", k.getMessage());
  }
}
