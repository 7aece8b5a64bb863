package dev.carapace.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.carapace.tls.DockerPki;
import dev.carapace.tls.TlsMaterialException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every file core reads from a caller's or the environment's path (a seccomp profile, through the
 * API and through {@code docker run --security-opt seccomp=PATH}; a docker context's meta.json;
 * ~/.docker/config.json; and DOCKER_CERT_PATH's PEM files, read by the tls module) against every
 * kind of path that is not a small regular file: {@code /dev/zero} and links to it (which used to
 * exhaust the heap), FIFOs and links to them (which used to block forever), directories, a socket,
 * files over 1 MiB. Each is refused at once with the exact message naming the attribute and the file.
 */
class FileLimitsTest {
  private static final Duration QUICKLY = Duration.ofSeconds(10);
  private static final String CONTEXT = "hostile";

  @TempDir Path dir;
  private final List<ServerSocketChannel> sockets = new ArrayList<>();

  @AfterEach
  void closeSockets() throws IOException {
    for (ServerSocketChannel socket : sockets) {
      socket.close();
    }
  }

  private interface Maker {
    /** Makes the hostile thing at {@code at}; returns what the message says it is, in brackets. */
    String make(Path at) throws Exception;
  }

  private record Hostile(String name, Maker maker, boolean directory) {}

  private static void mkfifo(Path at) throws Exception {
    Process process = new ProcessBuilder("/usr/bin/mkfifo", at.toString()).inheritIO().start();
    assertTrue(process.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, process.exitValue(), "mkfifo " + at);
  }

  private List<Hostile> hostiles() {
    return List.of(
        new Hostile("link to /dev/zero", at -> {
          Files.createSymbolicLink(at, Path.of("/dev/zero"));
          return "a character device, through a symbolic link to /dev/zero";
        }, false),
        new Hostile("fifo", at -> {
          mkfifo(at);
          return "a FIFO";
        }, false),
        new Hostile("link to a fifo", at -> {
          Path fifo = at.resolveSibling(at.getFileName() + ".fifo");
          mkfifo(fifo);
          Files.createSymbolicLink(at, fifo);
          return "a FIFO, through a symbolic link to " + fifo.toRealPath();
        }, false),
        new Hostile("directory", at -> {
          Files.createDirectory(at);
          return "a directory";
        }, true),
        new Hostile("link to a directory", at -> {
          Path target = Files.createDirectory(at.resolveSibling(at.getFileName() + ".d"));
          Files.createSymbolicLink(at, target);
          return "a directory, through a symbolic link to " + target.toRealPath();
        }, true),
        new Hostile("socket", at -> {
          ServerSocketChannel socket = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
          sockets.add(socket);
          // a socket path is limited to 107 bytes: bind short, then rename the socket file
          Path shortPath = Files.createTempDirectory(Path.of("/tmp"), "s").resolve("s");
          socket.bind(UnixDomainSocketAddress.of(shortPath));
          Files.move(shortPath, at);
          Files.delete(shortPath.getParent());
          return "a socket";
        }, false),
        new Hostile("file over 1 MiB", at -> {
          Files.write(at, new byte[(1 << 20) + 1]);
          return "size 1048577";
        }, false),
        new Hostile("link to a file over 1 MiB", at -> {
          Files.createSymbolicLink(at,
              Files.write(at.resolveSibling(at.getFileName() + ".big"), new byte[5 << 20]));
          return "size 5242880";
        }, false));
  }

  /** A reader: where its file goes under a home folder, the attribute named, and the call. */
  private record Reader(String name, Function<Path, Path> place, String attribute,
      Function<Path, Object> read) {}

  private static String sha256(String s) throws Exception {
    return HexFormat.of().formatHex(
        MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
  }

  private List<Reader> readers() throws Exception {
    String id = sha256(CONTEXT);
    Function<Path, Path> meta = home -> home.resolve(".docker/contexts/meta").resolve(id)
        .resolve("meta.json");
    return List.of(
        new Reader("Seccomp.profile", home -> home.resolve("profile.json"), "seccomp profile",
            home -> Seccomp.profile(home.resolve("profile.json"))),
        new Reader("docker run --security-opt seccomp=", home -> home.resolve("profile.json"),
            "--security-opt: seccomp profile",
            home -> DockerRunCommand.parse(List.of("docker", "run", "--security-opt",
                "seccomp=" + home.resolve("profile.json"), "busybox"))),
        new Reader("Endpoint.context meta.json", meta, "docker context meta.json",
            home -> Endpoint.context(home.resolve(".docker"), CONTEXT)),
        new Reader("DOCKER_CONTEXT meta.json", meta, "docker context meta.json",
            home -> Endpoint.fromEnvironment(Map.of("DOCKER_CONTEXT", CONTEXT), home)),
        new Reader("config.json currentContext", home -> home.resolve(".docker/config.json"),
            "docker config", home -> Endpoint.fromEnvironment(Map.of(), home)),
        new Reader("DOCKER_CONFIG config.json", home -> home.resolve("elsewhere/config.json"),
            "docker config", home -> Endpoint.fromEnvironment(
                Map.of("DOCKER_CONFIG", home.resolve("elsewhere").toString()), home)));
  }

  private static String expected(String attribute, Path file, String what) {
    if (what.startsWith("size ")) {
      return attribute + " must be at most 1 MiB: " + file + " (" + what.substring(5) + " bytes)";
    }
    return attribute + " must be a regular file: " + file + " (" + what + ")";
  }

  @TestFactory
  List<DynamicTest> everyReaderRefusesEveryHostilePathQuicklyNamingIt() throws Exception {
    List<DynamicTest> tests = new ArrayList<>();
    int n = 0;
    for (Reader reader : readers()) {
      for (Hostile hostile : hostiles()) {
        String name = "case" + n++;
        tests.add(DynamicTest.dynamicTest(reader.name() + " on a " + hostile.name(), () -> {
          Path home = Files.createDirectory(dir.resolve(name));
          Path at = reader.place().apply(home);
          Files.createDirectories(at.getParent());
          String what = hostile.maker().make(at);
          IllegalArgumentException e = assertTimeoutPreemptively(QUICKLY, () -> assertThrows(
              IllegalArgumentException.class, () -> reader.read().apply(home)));
          assertEquals(expected(reader.attribute(), at, what), e.getMessage());
        }));
      }
    }
    return tests;
  }

  @TestFactory
  List<DynamicTest> dockerCertPathFilesAreReadByTheTlsModuleWithTheSameLimits() {
    List<DynamicTest> tests = new ArrayList<>();
    DockerPki pki = DockerPki.builder().build();
    int n = 0;
    for (String file : List.of("ca.pem", "cert.pem", "key.pem")) {
      for (Hostile hostile : hostiles()) {
        String name = "certs" + n++;
        tests.add(DynamicTest.dynamicTest(file + " is a " + hostile.name(), () -> {
          Path certs = dir.resolve(name);
          pki.writeTo(certs);
          Path at = certs.resolve(file);
          Files.delete(at);
          String what = hostile.maker().make(at);
          String kind = file.equals("key.pem") ? "private key file" : "certificate file";
          String message = hostile.directory() ? kind + " is a directory: " + at
              : what.startsWith("size ") ? kind + " must be at most 1 MiB: " + at + " ("
                  + what.substring(5) + " bytes; a PEM certificate, chain or key takes a few kilobytes)"
              : kind + " must be a regular file: " + at + " (" + what + ")";
          TlsMaterialException e = assertTimeoutPreemptively(QUICKLY, () -> assertThrows(
              TlsMaterialException.class, () -> Endpoint.fromEnvironment(Map.of(
                  "DOCKER_HOST", "tcp://127.0.0.1:2376", "DOCKER_TLS_VERIFY", "1",
                  "DOCKER_CERT_PATH", certs.toString()), dir)));
          assertEquals(message, e.getMessage());
        }));
      }
    }
    return tests;
  }

  @Test
  void anAbsentConfigIsNoContextAndAProfileOfExactlyOneMibIsRead() throws Exception {
    assertEquals("unix:///var/run/docker.sock",
        Endpoint.fromEnvironment(Map.of(), dir).uri().toString());
    String json = "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[]}";
    Path profile = dir.resolve("padded.json");
    Files.writeString(profile, json + " ".repeat((1 << 20) - json.length()));
    assertEquals(Seccomp.Kind.PROFILE, Seccomp.profile(profile).kind());
    Path link = Files.createSymbolicLink(dir.resolve("link.json"), profile);
    assertEquals(Seccomp.profile(profile), Seccomp.profile(link));
  }

  @Test
  void devZeroItselfIsRefusedAsACharacterDevice() {
    IllegalArgumentException e = assertTimeoutPreemptively(QUICKLY, () -> assertThrows(
        IllegalArgumentException.class, () -> Seccomp.profile(Path.of("/dev/zero"))));
    assertEquals("seccomp profile must be a regular file: /dev/zero (a character device)",
        e.getMessage());
  }
}
