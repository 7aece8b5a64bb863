package dev.carapace.core.internal.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link SafeTar} against hand-made hostile archives (each refused with its exact message, nothing
 * written outside the extraction directory), and a round trip of a host tree through its tar source.
 */
class SafeTarTest {
  @TempDir Path tmp;

  /** One entry of a test archive. */
  private record E(String name, byte type, String link, byte[] content, int mode) {
    static E dir(String name) {
      return new E(name, TarArchiveEntry.LF_DIR, null, null, 0755);
    }

    static E file(String name, String content) {
      return new E(name, TarArchiveEntry.LF_NORMAL, null, content.getBytes(StandardCharsets.UTF_8), 0644);
    }

    static E symlink(String name, String target) {
      return new E(name, TarArchiveEntry.LF_SYMLINK, target, null, 0777);
    }

    static E hardlink(String name, String target) {
      return new E(name, TarArchiveEntry.LF_LINK, target, null, 0644);
    }
  }

  private static byte[] tar(E... entries) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream out = new TarArchiveOutputStream(bytes)) {
      out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      for (E e : entries) {
        TarArchiveEntry t = new TarArchiveEntry(e.name(), e.type(), true); // names kept as they are
        t.setMode(e.mode());
        if (e.link() != null) {
          t.setLinkName(e.link());
        }
        if (e.content() != null) {
          t.setSize(e.content().length);
        }
        out.putArchiveEntry(t);
        if (e.content() != null) {
          out.write(e.content());
        }
        out.closeArchiveEntry();
      }
    }
    return bytes.toByteArray();
  }

  /** Extracts into {@code tmp/stage} (name {@code x}) and returns the refusal's message. */
  private String refused(long maxBytes, int maxEntries, E... entries) throws IOException {
    Path stage = Files.createTempDirectory(tmp, "stage");
    SafeTar.Refused e = assertThrows(SafeTar.Refused.class,
        () -> SafeTar.extract(new ByteArrayInputStream(tar(entries)), stage, "x", maxBytes, maxEntries));
    assertEquals(List.of(), outside(stage), "nothing written outside the staging directory");
    return e.getMessage();
  }

  private String refused(E... entries) throws IOException {
    return refused(1 << 20, 100, entries);
  }

  /** Everything under {@code tmp} that is not under a staging directory. */
  private List<Path> outside(Path stage) throws IOException {
    List<Path> found = new ArrayList<>();
    try (Stream<Path> all = Files.walk(tmp)) {
      all.filter(p -> !p.equals(tmp) && !tmp.relativize(p).toString().startsWith("stage")).forEach(found::add);
    }
    return found;
  }

  @Test
  void refusesAbsoluteNamesAndClimbing() throws IOException {
    assertEquals("archive entry must be a relative name: /etc/passwd", refused(E.file("/etc/passwd", "root")));
    assertEquals("archive entry must not contain '..': x/../../evil", refused(E.dir("x/"), E.file("x/../../evil", "")));
    assertEquals("archive entry must be under x: y/file", refused(E.dir("x/"), E.file("y/file", "")));
  }

  @Test
  void refusesSymlinksThatLeaveTheTarget() throws IOException {
    assertEquals("archive link must be relative and stay within the target: x -> /etc/passwd",
        refused(E.symlink("x", "/etc/passwd")));
    assertEquals("archive link must stay within the target: x/up -> ../../outside",
        refused(E.dir("x/"), E.symlink("x/up", "../../outside")));
    assertEquals("archive link must stay within the target: x -> ../sibling", refused(E.symlink("x", "../sibling")));
  }

  @Test
  void refusesALinkChainThatOnlyTheKernelSeesEscape() throws IOException {
    // each link stays inside by its name alone; but x/d/up is x, so the kernel reads x/c as x/.. (the
    // staging directory): the check after extraction resolves it as the kernel does
    assertEquals("archive link must stay within the target: x/c -> d/up/..",
        refused(E.dir("x/"), E.dir("x/d/"), E.symlink("x/d/up", ".."), E.symlink("x/c", "d/up/..")));
  }

  @Test
  void refusesWritingThroughALink() throws IOException {
    assertEquals("archive entry must not pass through a link or file: x/l/evil (x/l is a link)",
        refused(E.dir("x/"), E.dir("x/d/"), E.symlink("x/l", "d"), E.file("x/l/evil", "boo")));
  }

  @Test
  void refusesHardLinksToAnythingButAnEarlierFile() throws IOException {
    assertEquals("archive hard link must name a regular file extracted before it: x/h => /etc/shadow",
        refused(E.dir("x/"), E.hardlink("x/h", "/etc/shadow")));
    assertEquals("archive hard link must name a regular file extracted before it: x/h => x/../../etc/shadow",
        refused(E.dir("x/"), E.hardlink("x/h", "x/../../etc/shadow")));
    assertEquals("archive hard link must name a regular file extracted before it: x/h => x/l",
        refused(E.dir("x/"), E.symlink("x/l", "."), E.hardlink("x/h", "x/l")));
    assertEquals("archive hard link must name a regular file extracted before it: x/h => x/later",
        refused(E.dir("x/"), E.hardlink("x/h", "x/later"), E.file("x/later", "")));
  }

  @Test
  void refusesDevicesDuplicatesAndEmptyArchives() throws IOException {
    assertEquals("archive entry must be a file, directory or link: x/null (character device)",
        refused(E.dir("x/"), new E("x/null", TarArchiveEntry.LF_CHR, null, null, 0666)));
    assertEquals("archive entry must be a file, directory or link: x/fifo (FIFO)",
        refused(E.dir("x/"), new E("x/fifo", TarArchiveEntry.LF_FIFO, null, null, 0666)));
    assertEquals("archive entry must be unique: x/f", refused(E.dir("x/"), E.file("x/f", "1"), E.file("x/f", "2")));
    assertEquals("archive must hold x: it is empty", refused());
  }

  @Test
  void refusesBeyondTheLimits() throws IOException {
    assertEquals("copy size must be at most 10 bytes: the archive holds more than 10 bytes (raise"
        + " CopyLimits.maxSize)", refused(10, 100, E.dir("x/"), E.file("x/a", "123456"), E.file("x/b", "123456")));
    assertEquals("copy entries must be at most 2: the archive has more",
        refused(1 << 20, 2, E.dir("x/"), E.file("x/a", ""), E.file("x/b", "")));
  }

  @Test
  void extractsFilesLinksAndModesSafely() throws IOException {
    Path stage = Files.createDirectories(tmp.resolve("stage"));
    E setuid = new E("x/tool", TarArchiveEntry.LF_NORMAL, null, "#!".getBytes(StandardCharsets.UTF_8), 06777);
    long n = SafeTar.extract(new ByteArrayInputStream(tar(E.dir("x/"), E.file("x/d/a.txt", "hello"), setuid,
        E.symlink("x/rel", "d/a.txt"), E.hardlink("x/hard", "x/d/a.txt"), E.symlink("x/d/self", "../d"))),
        stage, "x", 1 << 20, 100);
    Path x = stage.resolve("x");
    assertEquals(12, n); // hello, #!, and the hard link's copy of hello
    assertEquals("hello", Files.readString(x.resolve("rel")));
    assertEquals("hello", Files.readString(x.resolve("hard")));
    assertFalse(Files.isSymbolicLink(x.resolve("hard")));
    assertEquals("rwxrwxr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(x.resolve("tool"))));
    assertEquals(0, (int) Files.getAttribute(x.resolve("tool"), "unix:mode") & 07000);
  }

  @Test
  void sourceRoundTripsATreeAsRootWithoutFollowingLinks() throws IOException {
    Path src = Files.createDirectories(tmp.resolve("src"));
    Files.writeString(src.resolve("a.txt"), "A");
    Files.createDirectories(src.resolve("sub"));
    Files.write(src.resolve("sub/big.bin"), new byte[200_000]);
    Files.writeString(tmp.resolve("secret"), "host secret");
    Files.createSymbolicLink(src.resolve("sub/link"), tmp.resolve("secret"));
    List<String> names = new ArrayList<>();
    try (InputStream in = SafeTar.source(src, "data", 1 << 20, 100);
        TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
      for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
        names.add(e.getName() + (e.isSymbolicLink() ? " -> " + e.getLinkName() : "") + " " + e.getLongUserId()
            + ":" + e.getLongGroupId());
        if (e.getName().equals("data/sub/big.bin")) {
          assertArrayEquals(new byte[200_000], tar.readAllBytes());
        }
      }
    }
    names.sort(null);
    assertEquals(List.of("data/ 0:0", "data/a.txt 0:0", "data/sub/ 0:0", "data/sub/big.bin 0:0",
        "data/sub/link -> " + tmp.resolve("secret") + " 0:0"), names);
  }

  @Test
  void sourceRefusesFifosAndSizesBeyondTheLimitBeforeSending() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src"));
    Files.write(src.resolve("big"), new byte[2048]);
    assertEquals("copy size must be at most 1024 bytes: " + src + " has more than 1024 bytes",
        assertThrows(SafeTar.Refused.class, () -> SafeTar.source(src, "d", 1024, 100)).getMessage());
    assertEquals("copy entries must be at most 1: " + src + " has more",
        assertThrows(SafeTar.Refused.class, () -> SafeTar.source(src, "d", 1 << 20, 1)).getMessage());
    Path fifo = src.resolve("fifo");
    assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
    assertEquals("copy source must hold only regular files, directories and symbolic links: " + fifo
        + " (a FIFO, socket or device)",
        assertThrows(SafeTar.Refused.class, () -> SafeTar.source(src, "d", 1 << 20, 100)).getMessage());
    assertTrue(Files.exists(fifo, LinkOption.NOFOLLOW_LINKS));
  }

  /** Each entry of {@code in} as {@code name mode uid:gid}, the content of files after {@code =}. */
  private static List<String> entries(InputStream in) throws IOException {
    List<String> out = new ArrayList<>();
    try (TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
      for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
        out.add(e.getName() + " " + Integer.toOctalString(e.getMode()) + " " + e.getLongUserId() + ":"
            + e.getLongGroupId() + (e.isFile() && !e.isSymbolicLink() ? "=" + new String(tar.readAllBytes(), StandardCharsets.UTF_8) : ""));
      }
    }
    out.sort(null);
    return out;
  }

  @Test
  void ofBytesIsOneFileWithItsModeAndOwnerWithinTheLimit() throws IOException {
    assertEquals(List.of("page.html 100640 1000:33=<h1>hi</h1>"), entries(SafeTar.ofBytes(
        "<h1>hi</h1>".getBytes(StandardCharsets.UTF_8), "page.html", 1 << 20, 0640, 1000, 33)));
    assertEquals(List.of("empty 100755 0:0="), entries(SafeTar.ofBytes(new byte[0], "empty", 0, 04755, 0, 0)),
        "setuid dropped, an empty file is within a limit of 0");
    assertEquals("copy size must be at most 1024 bytes: the content has 1025 bytes",
        assertThrows(SafeTar.Refused.class, () -> SafeTar.ofBytes(new byte[1025], "x", 1024, 0644, 0, 0))
            .getMessage());
  }

  @Test
  void sourceWithAModeGivesFilesTheModeAndDirectoriesReadableOnesAnExecuteBit() throws IOException {
    Path src = Files.createDirectories(tmp.resolve("src/sub"));
    Files.writeString(src.resolve("a.txt"), "A");
    Files.setPosixFilePermissions(src.resolve("a.txt"), PosixFilePermissions.fromString("rw-------"));
    Files.createSymbolicLink(src.resolve("link"), Path.of("a.txt"));
    assertEquals(List.of("data/ 40750 1000:1000", "data/sub/ 40750 1000:1000",
        "data/sub/a.txt 100640 1000:1000=A", "data/sub/link 120777 1000:1000"),
        entries(SafeTar.source(tmp.resolve("src"), "data", 1 << 20, 100, 0640, 1000, 1000)));
    assertEquals(List.of("data/ 40755 0:0", "data/sub/ 40755 0:0", "data/sub/a.txt 100600 0:0=A",
        "data/sub/link 120777 0:0"), entries(SafeTar.source(tmp.resolve("src"), "data", 1 << 20, 100)),
        "without a mode, the host's permissions");
  }
}
