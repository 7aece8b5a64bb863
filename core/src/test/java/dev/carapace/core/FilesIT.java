package dev.carapace.core;

import static dev.carapace.core.testing.TestEngine.busybox;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.carapace.core.testing.TestEngine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link RunningContainer#copyInto} and {@link RunningContainer#copyFrom} against the real engine:
 * files and directories both ways, running and stopped containers, the size limit, links crafted in
 * the container to escape the host target, and a read-only root filesystem.
 */
class FilesIT {
  private static ContainerLauncher launcher;
  private static RunningContainer root;
  @TempDir Path host;

  @BeforeAll
  static void start() {
    launcher = TestEngine.launcher();
    root = launcher.launch(busybox("sleep", "300").build());
  }

  @AfterAll
  static void close() {
    launcher.close();
  }

  private static String sh(RunningContainer c, String script) {
    ExecResult r = c.exec("sh", "-c", script);
    assertEquals(0, r.exitCode(), r.stderr());
    return r.stdout();
  }

  private static List<String> listing(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void copiesAFileInAndOut() throws IOException {
    Path f = Files.writeString(host.resolve("hello.txt"), "hello\nworld\n");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-x---"));
    root.copyInto(f, ContainerPath.of("/greeting.txt"));
    assertEquals("hello\nworld\n|-rwxr-x--- 0 0\n",
        sh(root, "cat /greeting.txt; echo \"|$(stat -c '%A %u %g' /greeting.txt)\""));
    root.copyFrom(ContainerPath.of("/greeting.txt"), host.resolve("back.txt"));
    assertEquals("hello\nworld\n", Files.readString(host.resolve("back.txt")));
    assertEquals(List.of("back.txt", "hello.txt"), listing(host), "no staging directory left");
  }

  @Test
  void copiesBytesAStringAndAPathWithTheirModeAndOwner() throws IOException {
    root.copyInto(ContainerPath.of("/plain.txt"), CopySource.ofString("plain\n"));
    root.copyInto(ContainerPath.of("/mine.txt"), CopySource.ofString("mine\n").mode(0600).owner(1000, 1000));
    root.copyInto(ContainerPath.of("/bin.dat"), CopySource.ofBytes(new byte[] {0, 1, 2}).mode(0640).owner(0, 33));
    Path page = Files.createTempFile(host, "index", ".html"); // rw------- on the host
    Files.writeString(page, "<h1>hi</h1>");
    root.copyInto(ContainerPath.of("/temp.html"), CopySource.ofPath(page));
    root.copyInto(ContainerPath.of("/index.html"), CopySource.ofPath(page).mode(0644).owner(1000, 1000));
    Files.createDirectories(host.resolve("site/sub"));
    Files.writeString(host.resolve("site/sub/a.css"), "h1{}");
    root.copyInto(ContainerPath.of("/site"), CopySource.ofPath(host.resolve("site")).mode(0640).owner(2000, 3000));
    assertEquals("644 0 0 /plain.txt\n600 1000 1000 /mine.txt\n640 0 33 /bin.dat\n600 0 0 /temp.html\n"
        + "644 1000 1000 /index.html\n750 2000 3000 /site\n",
        sh(root, "stat -c '%a %u %g %n' /plain.txt /mine.txt /bin.dat /temp.html /index.html /site"));
    assertEquals("plain\n000102", sh(root, "cat /plain.txt; od -An -tx1 /bin.dat | tr -d ' \\n'"));
    ExecResult asOwner = root.exec(ExecSpec.builder().command("sh", "-c",
        "stat -c '%a %u %g %n' /site/sub /site/sub/a.css; cat /site/sub/a.css").user("2000:3000").build());
    assertEquals("750 2000 3000 /site/sub\n640 2000 3000 /site/sub/a.css\nh1{}", asOwner.stdout(),
        "directories get an execute bit for each read bit: " + asOwner.stderr());
    ExecResult asUser = root.exec(ExecSpec.builder().command("sh", "-c",
        "cat /mine.txt /index.html; cat /temp.html 2>&1 >/dev/null; true").user("1000:1000").build());
    assertEquals("mine\n<h1>hi</h1>cat: can't open '/temp.html': Permission denied\n", asUser.stdout(),
        "uid 1000 reads what it owns or what is 0644, not a host temp file copied as it is");
    assertEquals("copy size must be at most 2 bytes: the content has 3 bytes", assertThrows(
        IllegalArgumentException.class, () -> root.copyInto(ContainerPath.of("/big.dat"),
            CopySource.ofBytes(new byte[3]), CopyLimits.defaults().maxSize(MemorySize.ofBytes(2)))).getMessage());
    assertEquals("", sh(root, "ls /big.dat 2>/dev/null || true"), "nothing sent");
  }

  @Test
  void copiesADirectoryInAndOut() throws IOException {
    Path d = Files.createDirectories(host.resolve("site/css"));
    Files.writeString(host.resolve("site/index.html"), "<h1>hi</h1>");
    Files.writeString(d.resolve("a.css"), "h1{}");
    Files.createSymbolicLink(host.resolve("site/home.html"), Path.of("index.html"));
    root.copyInto(host.resolve("site"), ContainerPath.of("/www"));
    assertEquals("/www\n/www/css\n/www/css/a.css\n/www/home.html\n/www/index.html\n<h1>hi</h1>",
        sh(root, "find /www | sort; cat /www/home.html"));
    sh(root, "mkdir -p /out/deep && echo x > /out/deep/x && ln -s deep/x /out/link && ln /out/deep/x /out/hard");
    Path back = host.resolve("back");
    root.copyFrom(ContainerPath.of("/out"), back);
    assertEquals("x\n", Files.readString(back.resolve("deep/x")));
    assertEquals(Path.of("deep/x"), Files.readSymbolicLink(back.resolve("link")));
    assertEquals("x\n", Files.readString(back.resolve("hard")));
  }

  @Test
  void copiesIntoAndOutOfAStoppedContainer() throws IOException {
    try (RunningContainer c = launcher.launch(busybox("true").build())) {
      assertEquals(0, c.awaitExit(Duration.ofSeconds(30)).getAsInt());
      Path f = Files.writeString(host.resolve("f"), "while stopped");
      c.copyInto(f, ContainerPath.of("/f"));
      c.copyFrom(ContainerPath.of("/f"), host.resolve("g"));
      assertEquals("while stopped", Files.readString(host.resolve("g")));
    }
  }

  @Test
  void refusesBeyondTheSizeLimitBothWays() throws IOException {
    Path big = Files.write(host.resolve("big"), new byte[4096]);
    IllegalArgumentException in = assertThrows(IllegalArgumentException.class, () -> root.copyInto(big,
        ContainerPath.of("/big"), CopyLimits.defaults().maxSize(MemorySize.ofKibibytes(1))));
    assertEquals("copy size must be at most 1024 bytes: " + big + " has more than 1024 bytes", in.getMessage());
    assertEquals("", sh(root, "ls /big 2>/dev/null || true"), "nothing sent");

    sh(root, "mkdir -p /many && head -c 3000 /dev/zero > /many/a && head -c 3000 /dev/zero > /many/b");
    ContainerOperationException out = assertThrows(ContainerOperationException.class, () -> root.copyFrom(ContainerPath.of("/many"),
        host.resolve("many"), CopyLimits.defaults().maxSize(MemorySize.ofBytes(4000))));
    assertEquals("copy of carapace-test/busybox:1 (container " + root.id().substring(0, 12) + ") failed: copy size"
        + " must be at most 4000 bytes: the archive holds more than 4000 bytes (raise CopyLimits.maxSize); nothing"
        + " was written to " + host.resolve("many"), out.getMessage());
    assertEquals(List.of("big"), listing(host), "nothing partially extracted");
  }

  @Test
  void refusesLinksCraftedToEscapeAndWritesNothing() throws IOException {
    sh(root, "ln -s /etc/passwd /evil && mkdir -p /trap/sub && echo ok > /trap/ok && ln -s ../../x /trap/sub/up");
    String id = root.id().substring(0, 12);
    ContainerOperationException abs = assertThrows(ContainerOperationException.class,
        () -> root.copyFrom(ContainerPath.of("/evil"), host.resolve("evil")));
    assertEquals("copy of carapace-test/busybox:1 (container " + id + ") failed: archive link must be relative and"
        + " stay within the target: evil -> /etc/passwd; nothing was written to " + host.resolve("evil"),
        abs.getMessage());
    ContainerOperationException up = assertThrows(ContainerOperationException.class,
        () -> root.copyFrom(ContainerPath.of("/trap"), host.resolve("trap")));
    assertEquals("copy of carapace-test/busybox:1 (container " + id + ") failed: archive link must stay within"
        + " the target: trap/sub/up -> ../../x; nothing was written to " + host.resolve("trap"), up.getMessage());
    assertEquals(List.of(), listing(host));
    assertFalse(Files.exists(host.resolve("x")), "where trap/sub/up would have led");
  }

  @Test
  void refusesAHostTargetThatExistsAndASourceThatDoesNot() throws IOException {
    Path exists = Files.writeString(host.resolve("exists"), "mine");
    assertEquals("copy target must not exist on the host: " + exists + " (remove it first, or choose a new path)",
        assertThrows(IllegalArgumentException.class,
            () -> root.copyFrom(ContainerPath.of("/etc/passwd"), exists)).getMessage());
    assertEquals("mine", Files.readString(exists));
    ContainerOperationException missing = assertThrows(ContainerOperationException.class,
        () -> root.copyFrom(ContainerPath.of("/no/such"), host.resolve("n")));
    assertTrue(missing.getMessage().startsWith("copy of carapace-test/busybox:1 (container " + root.id().substring(0, 12)
        + ") failed: copy source must exist in the container: /no/such: daemon said: "), missing.getMessage());
    ContainerOperationException parent = assertThrows(ContainerOperationException.class,
        () -> root.copyInto(exists, ContainerPath.of("/no/such/file")));
    assertTrue(parent.getMessage().startsWith("copy of carapace-test/busybox:1 (container " + root.id().substring(0, 12)
        + ") failed: copy target's parent directory must exist in the container: /no/such: daemon said: "),
        parent.getMessage());
    assertEquals("copy source must exist: " + host.resolve("nope"), assertThrows(IllegalArgumentException.class,
        () -> root.copyInto(host.resolve("nope"), ContainerPath.of("/x"))).getMessage());
  }

  @Test
  void withAReadOnlyRootOnlyMountsTakeFiles() throws IOException {
    Path data = Files.createDirectories(host.resolve("data"));
    Path f = Files.writeString(host.resolve("f.txt"), "on the volume");
    try (RunningContainer c = launcher.launch(busybox("sleep", "300").readOnlyRootFilesystem(true)
        .addMount(Mount.bind(data.toString(), ContainerPath.of("/data")),
            Mount.tmpfs(ContainerPath.of("/tmp"), MemorySize.ofMebibytes(1))).build())) {
      c.copyInto(f, ContainerPath.of("/data/f.txt"));
      assertEquals("on the volume", sh(c, "cat /data/f.txt"));
      ContainerOperationException ro = assertThrows(ContainerOperationException.class, () -> c.copyInto(f, ContainerPath.of("/f.txt")));
      assertEquals("copy of carapace-test/busybox:1 (container " + c.id().substring(0, 12) + ") failed: copy target"
          + " must be on a volume or bind mount when the root filesystem is read-only: /f.txt (mount a volume there,"
          + " or launch with readOnlyRootFilesystem(false)): daemon said: container rootfs is marked read-only",
          ro.getMessage());
      assertEquals("copy target must not be under a tmpfs mount: /tmp/f.txt (tmpfs /tmp is invisible to the"
          + " engine's archive API; use a volume or bind mount)", assertThrows(IllegalArgumentException.class,
              () -> c.copyInto(f, ContainerPath.of("/tmp/f.txt"))).getMessage());
    }
  }
}
