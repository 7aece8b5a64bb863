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

  // ------------------------------------------------------------------- hostile archives, crafted by hand

  /** A raw 512-byte tar header; {@code gnu} writes the old GNU magic (for sparse entries), else ustar. */
  private static byte[] header(String name, char type, long size, boolean gnu) {
    byte[] h = new byte[512];
    put(h, 0, name.getBytes(StandardCharsets.UTF_8));
    put(h, 100, "0000644\0".getBytes(StandardCharsets.US_ASCII));
    put(h, 108, "0000000\0".getBytes(StandardCharsets.US_ASCII));
    put(h, 116, "0000000\0".getBytes(StandardCharsets.US_ASCII));
    octal(h, 124, 12, size);
    octal(h, 136, 12, 0);
    h[156] = (byte) type;
    put(h, 257, (gnu ? "ustar  \0" : "ustar\u000000").getBytes(StandardCharsets.US_ASCII));
    return h;
  }

  private static void put(byte[] h, int at, byte[] b) {
    System.arraycopy(b, 0, h, at, b.length);
  }

  private static void octal(byte[] h, int at, int width, long value) {
    String o = Long.toOctalString(value);
    put(h, at, ("0".repeat(width - 1 - o.length()) + o + "\0").getBytes(StandardCharsets.US_ASCII));
  }

  private static byte[] sealed(byte[] h) {
    java.util.Arrays.fill(h, 148, 156, (byte) ' ');
    long sum = 0;
    for (byte b : h) {
      sum += b & 0xff;
    }
    String o = Long.toOctalString(sum);
    put(h, 148, ("0".repeat(6 - o.length()) + o + "\0 ").getBytes(StandardCharsets.US_ASCII));
    return h;
  }

  /** A header, then {@code size} bytes made on demand (never in memory), counting what was read. */
  private static final class Lazy extends InputStream {
    private final byte[] head;
    private final long size;
    private final byte fill;
    long read;

    Lazy(byte[] head, long size, byte fill) {
      this.head = head;
      this.size = size;
      this.fill = fill;
    }

    @Override
    public int read() {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      long left = head.length + size - read;
      if (left <= 0) {
        return -1;
      }
      int n = (int) Math.min(len, left);
      for (int i = 0; i < n; i++) {
        long at = read + i;
        b[off + i] = at < head.length ? head[(int) at] : fill;
      }
      read += n;
      return n;
    }
  }

  @Test
  void refusesHeadersOfHundredsOfMegabytesBeforeTheyAreInMemory() throws Exception {
    long huge = 300_000_000L;
    String paxStart = huge + " path=";
    for (char type : new char[] {'x', 'g', 'L', 'K'}) {
      byte[] head = sealed(header("././@LongLink", type, huge, type == 'L' || type == 'K'));
      byte[] start = type == 'x' || type == 'g' ? paxStart.getBytes(StandardCharsets.US_ASCII) : new byte[0];
      byte[] both = new byte[head.length + start.length];
      put(both, 0, head);
      put(both, head.length, start);
      Lazy in = new Lazy(both, huge - start.length, (byte) 'a');
      Path stage = Files.createTempDirectory(tmp, "stage");
      SafeTar.Refused e = assertThrows(SafeTar.Refused.class, () -> SafeTar.extract(in, stage, "x", 1L << 40, 100),
          "type " + type);
      assertEquals("archive entry headers must be at most 1 MiB an entry: the archive has more (PAX headers or GNU"
          + " long names of that size are not a real entry's)", e.getMessage(), "type " + type);
      assertTrue(in.read < 2L * SafeTar.MAX_HEADER_BYTES, "type " + type + ": read " + in.read + " bytes");
    }
    // a real long name (4,000 characters, PAX) passes
    Path stage = Files.createTempDirectory(tmp, "stage");
    String deep = "x/" + "d/".repeat(1999) + "f";
    assertEquals(2, SafeTar.extract(new ByteArrayInputStream(paxTar(List.of("x/", deep), "ok")), stage, "x",
        1 << 20, 10_000));
    assertEquals("ok", Files.readString(stage.resolve(deep)));
    // rm walks with openat and unlinkat; JUnit's clean-up of @TempDir walks full paths (minutes at 2,000 levels)
    assertEquals(0, new ProcessBuilder("rm", "-rf", stage.toString()).inheritIO().start().waitFor());
  }

  /**
   * A tar of directories and one last file holding {@code content}, each name in a PAX header, written
   * here: commons-compress's writer takes time quadratic in a name's length (it re-encodes the name one
   * character shorter until it fits the 100-byte field), minutes for a 2,000-level tree.
   */
  private static byte[] paxTar(List<String> names, String content) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] data = content.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i);
      boolean file = i == names.size() - 1;
      byte[] n = name.getBytes(StandardCharsets.UTF_8);
      int len = n.length + 7;
      len += String.valueOf(len + String.valueOf(len).length()).length();
      byte[] record = (len + " path=" + name + "\n").getBytes(StandardCharsets.UTF_8);
      assertEquals(len, record.length);
      out.write(sealed(header("PaxHeaders/x", 'x', record.length, false)));
      out.write(record);
      out.write(new byte[(512 - record.length % 512) % 512]);
      byte[] h = header(name.substring(0, Math.min(name.length(), 99)), file ? '0' : '5', file ? data.length : 0,
          false);
      put(h, 100, (file ? "0000644\0" : "0000755\0").getBytes(StandardCharsets.US_ASCII));
      out.write(sealed(h));
      if (file) {
        out.write(data);
        out.write(new byte[(512 - data.length % 512) % 512]);
      }
    }
    out.write(new byte[1024]);
    return out.toByteArray();
  }

  /** An old GNU sparse entry: {@code stored} bytes of data for a file of {@code real} bytes, its data at the end. */
  private static byte[] sparse(String name, long real, int stored) throws IOException {
    byte[] h = header(name, 'S', stored, true);
    octal(h, 386, 12, real - stored); // one region: offset, length
    octal(h, 398, 12, stored);
    octal(h, 483, 12, real);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(tar(E.dir("x/")), 0, 512 + 0); // the directory's header only
    out.write(sealed(h));
    byte[] data = new byte[(stored + 511) / 512 * 512];
    java.util.Arrays.fill(data, 0, stored, (byte) 'z');
    out.write(data);
    out.write(new byte[1024]);
    return out.toByteArray();
  }

  @Test
  void countsASparseEntryAtItsRealSize() throws IOException {
    Path stage = Files.createTempDirectory(tmp, "stage");
    assertEquals(3000, SafeTar.extract(new ByteArrayInputStream(sparse("x/s", 3000, 512)), stage, "x", 4096, 10));
    byte[] got = Files.readAllBytes(stage.resolve("x/s"));
    assertEquals(3000, got.length);
    assertEquals(0, got[0]);
    assertEquals('z', got[2999]);
    // 512 bytes in the archive, 4 GiB on disk: refused on its real size, before anything is written
    Path stage2 = Files.createTempDirectory(tmp, "stage");
    assertEquals("copy size must be at most 1 MiB: the archive holds more than 1048576 bytes (raise"
        + " CopyLimits.maxSize)", assertThrows(SafeTar.Refused.class, () -> SafeTar.extract(
            new ByteArrayInputStream(sparse("x/s", 1L << 32, 512)), stage2, "x", 1 << 20, 10)).getMessage());
    assertFalse(Files.exists(stage2.resolve("x/s")));
  }

  @Test
  void namesWhatIsNotATarAsSuch() throws IOException {
    byte[] good = tar(E.dir("x/"), E.file("x/a", "hello"));
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (java.util.zip.GZIPOutputStream z = new java.util.zip.GZIPOutputStream(gz)) {
      z.write(good);
    }
    Path stage = Files.createTempDirectory(tmp, "stage");
    assertEquals("archive must be an uncompressed tar stream: it is gzip-compressed", assertThrows(
        SafeTar.Refused.class, () -> SafeTar.extract(new ByteArrayInputStream(gz.toByteArray()), stage, "x", 1 << 20,
            10)).getMessage());
    byte[] html = ("<html><body>" + "not a tar ".repeat(100) + "</body></html>").getBytes(StandardCharsets.UTF_8);
    String m = assertThrows(SafeTar.Refused.class, () -> SafeTar.extract(new ByteArrayInputStream(html), stage, "x",
        1 << 20, 10)).getMessage();
    assertTrue(m.startsWith("archive must be a tar stream: ") && m.endsWith(" (the engine sent something else)"), m);
    byte[] cut = java.util.Arrays.copyOf(good, 512 + 512 + 3); // the file's header, 3 of its 5 bytes
    m = assertThrows(SafeTar.Refused.class, () -> SafeTar.extract(new ByteArrayInputStream(cut), stage, "x", 1 << 20,
        10)).getMessage();
    assertTrue(m.startsWith("archive must be a complete tar stream: "), m);
  }

  @Test
  void namesAStreamThatFailsAndAHostThatCannotWriteApart() throws IOException {
    byte[] good = tar(E.dir("x/"), E.file("x/a", "hello".repeat(1000)));
    InputStream failing = new java.io.SequenceInputStream(new ByteArrayInputStream(good, 0, 1024), new InputStream() {
      @Override
      public int read() throws IOException {
        throw new java.net.SocketTimeoutException("Read timed out");
      }
    });
    Path stage = Files.createTempDirectory(tmp, "stage");
    IOException e = assertThrows(IOException.class, () -> SafeTar.extract(failing, stage, "x", 1 << 20, 10));
    assertFalse(e instanceof SafeTar.Refused || e instanceof SafeTar.TargetFailed, e.toString());
    assertTrue(e.getCause() instanceof java.net.SocketTimeoutException, e.toString());
    // a name the host's file system cannot hold (a 300-byte component): the host's failure, named so
    String longName = "x/" + "n".repeat(300);
    Path stage2 = Files.createTempDirectory(tmp, "stage");
    SafeTar.TargetFailed t = assertThrows(SafeTar.TargetFailed.class, () -> SafeTar.extract(
        new ByteArrayInputStream(tar(E.dir("x/"), E.file(longName, "1"))), stage2, "x", 1 << 20, 10));
    assertTrue(t.getMessage().startsWith("copy target could not be written on the host: " + stage2.resolve(longName)
        + " (FileSystemException"), t.getMessage());
  }

  @Test
  void refusesALimitBeforeTheEntriesBeyondItAreWritten() throws IOException {
    Path stage = Files.createTempDirectory(tmp, "stage");
    assertThrows(SafeTar.Refused.class, () -> SafeTar.extract(new ByteArrayInputStream(tar(E.dir("x/"),
        E.file("x/a", "123456"), E.file("x/b", "123456"), E.file("x/c", "1"))), stage, "x", 10, 100));
    assertTrue(Files.exists(stage.resolve("x/a")));
    assertFalse(Files.exists(stage.resolve("x/b")), "the entry beyond the limit is not written, even in part");
    assertFalse(Files.exists(stage.resolve("x/c")));
  }

  /** A chain of {@code depth} directories under x, and a file at the bottom. */
  private static byte[] deepTree(int depth) throws IOException {
    List<String> names = new ArrayList<>();
    StringBuilder name = new StringBuilder("x/");
    names.add(name.toString());
    for (int i = 0; i < depth; i++) {
      name.append("d/");
      names.add(name.toString());
    }
    names.add(name + "f");
    return paxTar(names, "bottom");
  }

  /** Extracts {@code archive} (a chain of {@code depth} directories under x and a file) and checks the bottom file. */
  private void extractsTheBottomFile(byte[] archive, int depth) throws Exception {
    Path stage = Files.createTempDirectory(tmp, "s");
    SafeTar.extract(new ByteArrayInputStream(archive), stage, "x", 1 << 20, 10_000);
    assertEquals("bottom", Files.readString(stage.resolve("x/" + "d/".repeat(depth) + "f")));
    // rm walks with openat and unlinkat: a deep tree goes in time linear in it, unlike a walk by full paths
    assertEquals(0, new ProcessBuilder("rm", "-rf", stage.toString()).inheritIO().start().waitFor());
  }

  /**
   * A deep tree is extracted whole. How its time grows with the depth (linear in the entries; it was quadratic:
   * each entry looked at every directory above it, each look a walk of its path, minutes for 2,000 levels) is
   * measured by the bench's {@code safetar} section, not here: a timed ratio in a unit test fails under load.
   */
  @Test
  void extractsADeepTree() throws Exception {
    extractsTheBottomFile(deepTree(500), 500);
    extractsTheBottomFile(deepTree(2000), 2000);
  }

  /**
   * Deletes, as copyFrom's clean-up does, an extraction of {@code archive} refused at its last entry (the file
   * at the bottom, beyond a 5-byte limit) after every directory was written: nothing is left.
   */
  private void deletesAFailedExtraction(byte[] archive, int depth) throws Exception {
    Path stage = Files.createTempDirectory(tmp, "c");
    try {
      assertThrows(SafeTar.Refused.class, () -> SafeTar.extract(new ByteArrayInputStream(archive), stage, "x", 5,
          10_000));
      assertTrue(Files.isDirectory(stage.resolve("x/" + "d/".repeat(depth))), "the tree was written");
      SafeTar.deleteTree(stage);
      assertFalse(Files.exists(stage, LinkOption.NOFOLLOW_LINKS), "nothing left");
    } finally { // what a failed deletion left: rm walks with openat and unlinkat
      assertEquals(0, new ProcessBuilder("rm", "-rf", stage.toString()).inheritIO().start().waitFor());
    }
  }

  /**
   * A failed extraction of a deep tree is deleted whole. Its time against the depth (each entry deleted relative
   * to its open directory: linear; by full paths each deletion walked every directory above it) is measured by
   * the bench's {@code safetar} section, next to {@code rm -rf} of the same tree.
   */
  @Test
  void aFailedExtractionOfADeepTreeIsDeletedWhole() throws Exception {
    deletesAFailedExtraction(deepTree(500), 500);
    deletesAFailedExtraction(deepTree(2000), 2000);
    try (Stream<Path> left = Files.list(tmp)) {
      assertEquals(List.of(), left.toList(), "nothing left beside the stages");
    }
  }

  @Test
  void deleteTreeRemovesUnreadableDirectoriesAndLinksWithoutFollowingThem() throws Exception {
    Path outside = Files.createDirectory(tmp.resolve("outside"));
    Files.writeString(outside.resolve("keep"), "kept");
    Path stage = Files.createDirectory(tmp.resolve("stage"));
    Path deep = Files.createDirectories(stage.resolve("a/b/c"));
    Files.writeString(deep.resolve("f"), "1");
    Files.createSymbolicLink(stage.resolve("a/out"), outside);
    Files.createSymbolicLink(deep.resolve("keep"), outside.resolve("keep"));
    Files.setPosixFilePermissions(deep, PosixFilePermissions.fromString("---------"));
    Files.setPosixFilePermissions(stage.resolve("a/b"), PosixFilePermissions.fromString("r--------"));
    SafeTar.deleteTree(stage);
    assertFalse(Files.exists(stage, LinkOption.NOFOLLOW_LINKS));
    assertEquals("kept", Files.readString(outside.resolve("keep")));
    SafeTar.deleteTree(stage); // gone already: nothing to do
    Path file = Files.writeString(tmp.resolve("file"), "1");
    SafeTar.deleteTree(file);
    assertFalse(Files.exists(file));
  }

  /** A host directory holding a chain of {@code depth} directories {@code d} and a file at the bottom. */
  private Path deepHostTree(int depth) throws Exception {
    Path src = Files.createTempDirectory(tmp, "h");
    // one relative mkdir -p: no absolute path passes PATH_MAX while the tree is made
    assertEquals(0, new ProcessBuilder("sh", "-c", "mkdir -p " + "d/".repeat(depth) + " && echo bottom > "
        + "d/".repeat(depth) + "f").directory(src.toFile()).inheritIO().start().waitFor());
    return src;
  }

  /**
   * A deep host tree goes through the tar stream copyInto sends and comes out whole. How the stream's time grows
   * with the depth (linear in each entry's name; a name cut for the ustar field one character at a time, each cut
   * encoded again, was quadratic: 55.7 s against 1.6 s) is measured by the bench's {@code safetar} section.
   */
  @Test
  void writesADeepHostTree() throws Exception {
    Path small = deepHostTree(500);
    Path large = deepHostTree(2000);
    Path stage = Files.createTempDirectory(tmp, "s");
    try {
      writesDeepTrees(small, large, stage);
    } finally { // rm walks with openat and unlinkat: JUnit's clean-up by full paths would take minutes
      assertEquals(0, new ProcessBuilder("rm", "-rf", stage.toString(), small.toString(), large.toString())
          .inheritIO().start().waitFor());
    }
  }

  private static void writesDeepTrees(Path small, Path large, Path stage) throws IOException {
    try (InputStream in = SafeTar.source(small, "x", 1 << 20, 10_000)) {
      assertEquals(7, SafeTar.extract(in, Files.createDirectory(stage.resolve("small")), "x", 1 << 20, 10_000));
    }
    assertEquals("bottom\n", Files.readString(stage.resolve("small/x/" + "d/".repeat(500) + "f")));
    try (InputStream in = SafeTar.source(large, "x", 1 << 20, 10_000)) {
      assertEquals(7, SafeTar.extract(in, stage, "x", 1 << 20, 10_000));
    }
    assertEquals("bottom\n", Files.readString(stage.resolve("x/" + "d/".repeat(2000) + "f")));
  }

  @Test
  void theUstarNameFieldIsWhatCommonsCompressWritesItself() throws IOException {
    java.util.Random r = new java.util.Random(19);
    String[] pieces = {"a", "/", "\u00e9", "\u4e2d", "\ud83d\ude00", "\ud83d"}; // 1, 1, 2, 3, 4 bytes, a lone surrogate
    org.apache.commons.compress.archivers.zip.ZipEncoding utf8 =
        org.apache.commons.compress.archivers.zip.ZipEncodingHelper.getZipEncoding("UTF-8");
    for (int i = 0; i < 2000; i++) {
      StringBuilder name = new StringBuilder();
      int length = i < 1000 ? 80 + r.nextInt(60) : r.nextInt(400);
      while (name.length() < length) {
        name.append(pieces[r.nextInt(pieces.length)]);
      }
      String n = name.toString();
      for (byte type : new byte[] {TarArchiveEntry.LF_NORMAL, TarArchiveEntry.LF_SYMLINK}) {
        TarArchiveEntry plain = new TarArchiveEntry("x/" + n, type);
        TarArchiveEntry ours = new SafeTar.Entry("x/" + n, type);
        plain.setModTime(0L); // each entry takes the clock's second when made: the two may be a second apart
        ours.setModTime(0L);
        if (type == TarArchiveEntry.LF_SYMLINK) {
          plain.setLinkName(n);
          ours.setLinkName(n);
        }
        byte[] expected = new byte[512];
        byte[] actual = new byte[512];
        plain.writeEntryHeader(expected, utf8, false);
        ours.writeEntryHeader(actual, utf8, false);
        assertArrayEquals(expected, actual, "header of " + n.length() + " characters");
        assertEquals("x/" + n, ours.getName());
        assertEquals(type == TarArchiveEntry.LF_SYMLINK ? n : "", ours.getLinkName());
      }
    }
  }

  @Test
  void hostileArchivesUnderAFixedSeedAreExtractedOrRefusedNeverAnythingElse() throws IOException {
    java.util.Random r = new java.util.Random(19);
    byte[] base = tar(E.dir("x/"), E.file("x/a", "hello"), E.symlink("x/l", "a"), E.dir("x/d/"),
        E.file("x/d/" + "n".repeat(120), "long"), E.hardlink("x/h", "x/a"));
    int count = Math.max(1, dev.carapace.tls.testing.Fuzz.count() / 10);
    dev.carapace.tls.testing.Fuzz.run("SafeTar.extract", count, i -> {
      byte[] b = base.clone();
      for (int k = 1 + r.nextInt(8); k > 0; k--) {
        int at = r.nextInt(b.length);
        b[at] = r.nextInt(3) == 0 ? (byte) ('0' + r.nextInt(8)) : (byte) r.nextInt(256);
      }
      return b;
    }, b -> b.length + " bytes", (i, b) -> {
      Path stage = Files.createTempDirectory(tmp, "f");
      try {
        SafeTar.extract(new ByteArrayInputStream(b), stage, "x", 1 << 20, 100);
      } catch (SafeTar.Refused | SafeTar.TargetFailed expected) {
        // named as what it is
      }
      try (Stream<Path> all = Files.walk(tmp, 1)) {
        assertTrue(all.allMatch(p -> p.equals(tmp) || p.getFileName().toString().startsWith("f")
            || p.getFileName().toString().startsWith("s")), "nothing written beside the stage");
      }
      SafeTar.deleteTree(stage);
    });
  }
}
