package dev.carapace.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A private key file that group or others may access loads with one SLF4J warning per load, naming
 * the file and {@code chmod 600}; an owner-only file loads silently. The warning is read where
 * slf4j-simple writes it (standard error), and never holds key material.
 */
class KeyPermissionWarningTest {
  @TempDir Path dir;
  private HeldCertificate client;

  @BeforeEach
  void writeMaterial() {
    HeldCertificate ca = Fixtures.ca("docker-ca");
    client = Fixtures.client(ca);
    Fixtures.clientDirectory(dir, ca, client);
  }

  private static String warning(Path key, String permissions) {
    return "WARN dev.carapace.tls.Pem - private key file should be readable by its owner only: "
        + key + " (permissions " + permissions + "; run chmod 600 " + key + ")";
  }

  /** Runs {@code action} and returns what it logged to standard error, line by line. */
  private static List<String> stderrOf(Runnable action) {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream err = System.err;
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      action.run();
    } finally {
      System.setErr(err);
    }
    List<String> lines = new ArrayList<>();
    for (String line : captured.toString(StandardCharsets.UTF_8).split("\n")) {
      if (!line.isBlank()) {
        // slf4j-simple starts with the thread name: "[main] WARN ..."
        lines.add(line.startsWith("[") ? line.substring(line.indexOf("] ") + 2) : line);
      }
    }
    return lines;
  }

  @Test
  void everyPermissionForGroupOrOthersWarnsOncePerLoad() throws Exception {
    Path key = dir.resolve("key.pem");
    String keyBody = client.privateKeyPkcs8Pem().lines().filter(l -> !l.startsWith("-----"))
        .findFirst().orElseThrow();
    Set<PosixFilePermission> others = EnumSet.complementOf(EnumSet.of(
        PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
        PosixFilePermission.OWNER_EXECUTE));
    for (PosixFilePermission extra : others) {
      Set<PosixFilePermission> permissions = EnumSet.of(PosixFilePermission.OWNER_READ,
          PosixFilePermission.OWNER_WRITE, extra);
      Files.setPosixFilePermissions(key, permissions);
      String mode = PosixFilePermissions.toString(permissions);
      List<String> logged = stderrOf(() -> DockerTlsMaterial.readClient(dir));
      assertEquals(List.of(warning(key, mode)), logged, mode);
      assertFalse(String.join("\n", logged).contains(keyBody));
    }
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
    assertEquals(List.of(warning(key, "rw-r--r--"), warning(key, "rw-r--r--")), stderrOf(() -> {
      DockerTlsMaterial.readClient(dir);
      DockerTlsMaterial.readClient(dir);
    }), "once per load");
    assertEquals(List.of(warning(key, "rw-r--r--")), stderrOf(() -> Pem.readPrivateKey(key)));
  }

  @Test
  void anOwnerOnlyKeyLoadsSilently() throws Exception {
    Path key = dir.resolve("key.pem");
    for (String mode : List.of("rw-------", "r--------", "rwx------")) {
      Files.setPosixFilePermissions(key, PosixFilePermissions.fromString(mode));
      assertEquals(List.of(), stderrOf(() -> DockerTlsMaterial.readClient(dir)), mode);
    }
  }

  @Test
  void theWarningNamesTheLinkThatWasGivenAndJudgesItsTarget() throws Exception {
    Path target = dir.resolve("key.pem");
    Path link = Files.createSymbolicLink(dir.resolve("key-link.pem"), target);
    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-rw-r--"));
    assertEquals(List.of(warning(link, "rw-rw-r--")), stderrOf(() -> Pem.readPrivateKey(link)));
  }
}
