package dev.carapace.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files that are not what they claim: each refused with one line naming the file and the line, within a bounded
 * time (each case under a few seconds, preemptively) and without reading more than the limits allow.
 */
class ComposeHostileInputTest {
  private static final Duration BOUND = Duration.ofSeconds(5);

  private static String refusal(String yaml) {
    return assertTimeoutPreemptively(BOUND, () -> assertThrows(InvalidComposeException.class,
        () -> ComposeReader.lenient().read("bad.yaml", yaml, null)).getMessage());
  }

  @Test
  void aBillionLaughsIsRefusedAtTheExpansionLimit() {
    StringBuilder y = new StringBuilder("x-a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for (int i = 1; i < 10; i++) {
      y.append("x-").append((char) ('a' + i)).append(": &").append((char) ('a' + i)).append(" [");
      for (int j = 0; j < 10; j++) {
        y.append(j == 0 ? "" : ", ").append('*').append((char) ('a' + i - 1));
      }
      y.append("]\n");
    }
    y.append("services:\n  web:\n    image: busybox:1\n    command: *j\n");
    String m = refusal(y.toString());
    assertTrue(m.startsWith("bad.yaml:") && m.contains("must expand to at most 500000 nodes through anchors and"
        + " aliases: more (billion laughs?), refused at the limit"), m);
  }

  @Test
  void deepNestingIsRefusedBeforeItIsBuilt() {
    String m = refusal("services:\n  web:\n    image: busybox:1\n    labels: " + "[".repeat(5000) + "]".repeat(5000));
    assertEquals("bad.yaml:1:1: compose file must nest at most 100 levels: deeper", m);
    String mappings = "services:\n  web:\n    image: busybox:1\n    x:" + " {a:".repeat(150) + " 1" + "}".repeat(150);
    assertTrue(refusal(mappings).contains("must nest at most 100 levels"));
  }

  @Test
  void aFiftyMegabyteFileIsRefusedBeforeItIsRead(@TempDir Path dir) throws Exception {
    Path big = dir.resolve("big.yaml");
    try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
      f.setLength(50L * 1024 * 1024); // sparse: refused by its size, never read
    }
    InvalidComposeException e = assertTimeoutPreemptively(BOUND, () -> assertThrows(InvalidComposeException.class,
        () -> ComposeReader.strict().read(big)));
    assertEquals(big + ":1:1: compose file must be at most 16777216 bytes (16 MiB): 52428800 bytes, refused before"
        + " reading", e.getMessage());
    // a 15 MB line within the file limit is refused before parsing (SnakeYAML took 200 s over one such token)
    String m = refusal("services:\n  web:\n    image: busybox:1\n    command: [\"" + "a".repeat(15_000_000) + "\"]\n");
    assertEquals("bad.yaml:4:65537: compose file lines must be at most 65536 characters: this one has 15000017"
        + " (SnakeYAML reads a long unbroken run in time that grows with its square)", m);
    // a 15 MB document of short lines is refused at SnakeYAML's document limit, not read whole
    String doc = "services:\n  web:\n    image: busybox:1\n    command:\n" + "      - abcdefgh\n".repeat(900_000);
    long t0 = System.nanoTime();
    String lines = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> assertThrows(InvalidComposeException.class,
        () -> ComposeReader.lenient().read("bad.yaml", doc, null)).getMessage());
    System.out.printf("15 MB of short lines refused in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
    assertTrue(lines.contains("must be at most 3145728 code points (3 MiB)"), lines);
  }

  @Test
  void binaryJunkIsRefusedAsNotText(@TempDir Path dir) throws Exception {
    byte[] junk = new byte[4096];
    new Random(7).nextBytes(junk);
    for (int i = 0; i < junk.length; i++) {
      junk[i] = junk[i] == 0 ? 1 : junk[i]; // no NUL byte: the UTF-8 check speaks
    }
    Path file = dir.resolve("junk.yaml");
    Files.write(file, junk);
    InvalidComposeException e = assertThrows(InvalidComposeException.class, () -> ComposeReader.strict().read(file));
    assertTrue(e.getMessage().startsWith(file + ":") && e.getMessage().contains("must be UTF-8 text"), e.getMessage());
    // the library's one text check (SourceText), as carapace lint words it: a NUL byte, with its line
    Path nul = dir.resolve("nul.yaml");
    Files.write(nul, "services:\n  web:\n    im\0age: x\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertEquals(nul + ":3:1: compose file must be text: a NUL byte at offset 23 (a binary file?)", assertThrows(
        InvalidComposeException.class, () -> ComposeReader.strict().read(nul)).refusals().get(0).toString());
    assertEquals("bad.yaml:2:3: compose file must be text: a NUL character (binary data?)",
        refusal("services:\nab\0c"));
    String control = refusal("services:\n  web:\n    image: busy\u0007box\n");
    assertEquals("bad.yaml:3:16: compose file must be YAML: special characters are not allowed: U+0007 (binary"
        + " data?)", control);
  }

  @Test
  void aKubernetesManifestIsNotACompositionFile() {
    assertEquals("bad.yaml:1:1: apiVersion: compose file must have services: this is a Kubernetes manifest"
        + " (apiVersion, kind); lint it as one", refusal("apiVersion: v1\nkind: Pod\nmetadata: {name: x}\n"));
    String twoDocuments = "services:\n  web:\n    image: busybox:1\n---\napiVersion: v1\nkind: Service\n";
    assertEquals("bad.yaml:5:1: compose file must be one YAML document: a second one starts here (a Kubernetes"
        + " manifest?)", refusal(twoDocuments));
  }

  @Test
  void otherShapesAreRefusedWithTheirPlace() {
    assertEquals("bad.yaml:1:1: compose file must be a mapping with services: empty", refusal(""));
    assertEquals("bad.yaml:1:1: compose file must be a mapping with services: a sequence", refusal("- a\n- b\n"));
    assertEquals("bad.yaml:1:1: services: compose file must have a mapping of services: no services: key (version 1,"
        + " or not a Compose file)", refusal("web:\n  image: busybox:1\n"));
    assertEquals("bad.yaml:1:1: version: compose file version must be 2.x or 3.x (or absent, the Compose"
        + " specification): \"1\" (version 1 has no services: key)", refusal("version: '1'\nservices: {}\n"));
    assertTrue(refusal("services:\n  web: {image: a\n").startsWith("bad.yaml:"));
    assertEquals("bad.yaml:4:5: compose file must not set key image twice (first at line 3): PyYAML keeps the last"
        + " silently, Compose v2 refuses it", refusal("services:\n  web:\n    image: a\n    image: b\n"));
    assertEquals("bad.yaml:1:6: compose file must not hold an alias to a node that contains it: recursive",
        refusal("x-a: &a [*a]\nservices: {}\n").replaceFirst("1:\\d+", "1:6"));
  }
}
