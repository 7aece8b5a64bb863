package dev.carapace.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.carapace.tls.DockerTlsMaterial.Role;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every way of reading PEM from a caller's path (Pem's readers, DockerTlsMaterial's client, server,
 * explicit-file and trust-only loaders, each file in turn) against every kind of path that is not a
 * small regular file: {@code /dev/zero} and links to it (which used to exhaust the heap), FIFOs and
 * links to them (which used to block forever), directories, a socket, and files over 1 MiB. Each is
 * refused at once with the exact message naming the file and what it is.
 */
class PemFileLimitsTest {
  private static final Duration QUICKLY = Duration.ofSeconds(10);

  @TempDir Path dir;
  private final List<ServerSocketChannel> sockets = new ArrayList<>();

  @AfterEach
  void closeSockets() throws IOException {
    for (ServerSocketChannel socket : sockets) {
      socket.close();
    }
  }

  /** A kind of hostile path: how to make it at a given place, and what the message calls it. */
  private record Hostile(String name, Maker maker) {
    @Override
    public String toString() {
      return name;
    }
  }

  private interface Maker {
    /** Makes the hostile thing at {@code at}; returns the message's tail for {@code what}. */
    String make(Path at, String what) throws Exception;
  }

  private static void mkfifo(Path at) throws Exception {
    Process process = new ProcessBuilder("/usr/bin/mkfifo", at.toString()).inheritIO().start();
    assertTrue(process.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, process.exitValue(), "mkfifo " + at);
  }

  private List<Hostile> hostiles() {
    return List.of(
        new Hostile("link to /dev/zero", (at, what) -> {
          Files.createSymbolicLink(at, Path.of("/dev/zero"));
          return what + " must be a regular file: " + at
              + " (a character device, through a symbolic link to /dev/zero)";
        }),
        new Hostile("link to /dev/urandom", (at, what) -> {
          Files.createSymbolicLink(at, Path.of("/dev/urandom"));
          return what + " must be a regular file: " + at
              + " (a character device, through a symbolic link to /dev/urandom)";
        }),
        new Hostile("fifo", (at, what) -> {
          mkfifo(at);
          return what + " must be a regular file: " + at + " (a FIFO)";
        }),
        new Hostile("link to a fifo", (at, what) -> {
          Path fifo = at.resolveSibling(at.getFileName() + ".fifo");
          mkfifo(fifo);
          Files.createSymbolicLink(at, fifo);
          return what + " must be a regular file: " + at + " (a FIFO, through a symbolic link to "
              + fifo.toRealPath() + ")";
        }),
        new Hostile("directory", (at, what) -> {
          Files.createDirectory(at);
          return what + " is a directory: " + at;
        }),
        new Hostile("link to a directory", (at, what) -> {
          Files.createSymbolicLink(at, Files.createDirectory(at.resolveSibling(at.getFileName() + ".d")));
          return what + " is a directory: " + at;
        }),
        new Hostile("socket", (at, what) -> {
          ServerSocketChannel socket = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
          sockets.add(socket);
          // a socket path is limited to 107 bytes: bind short, then rename the socket file
          Path shortPath = Files.createTempDirectory(Path.of("/tmp"), "s").resolve("s");
          socket.bind(UnixDomainSocketAddress.of(shortPath));
          Files.move(shortPath, at);
          Files.delete(shortPath.getParent());
          return what + " must be a regular file: " + at + " (a socket)";
        }),
        new Hostile("file over 1 MiB", (at, what) -> {
          Files.write(at, new byte[(1 << 20) + 1]);
          return what + " must be at most 1 MiB: " + at + " (1048577 bytes; a PEM certificate,"
              + " chain or key takes a few kilobytes)";
        }),
        new Hostile("link to a file over 1 MiB", (at, what) -> {
          Path big = Files.write(at.resolveSibling(at.getFileName() + ".big"), new byte[3 << 20]);
          Files.createSymbolicLink(at, big);
          return what + " must be at most 1 MiB: " + at + " (3145728 bytes; a PEM certificate,"
              + " chain or key takes a few kilobytes)";
        }));
  }

  /** A reader of PEM from a path: the file it reads at {@code slot} in a folder, and the call. */
  private record Reader(String name, String slot, String what, Function<Path, Object> read) {}

  private List<Reader> readers() {
    return List.of(
        new Reader("Pem.readCertificates", "any.pem", "certificate file",
            folder -> Pem.readCertificates(folder.resolve("any.pem"))),
        new Reader("Pem.readCertificate", "any.pem", "certificate file",
            folder -> Pem.readCertificate(folder.resolve("any.pem"))),
        new Reader("Pem.readPrivateKey", "any.pem", "private key file",
            folder -> Pem.readPrivateKey(folder.resolve("any.pem"))),
        new Reader("Pem.readPrivateKey with passphrase", "any.pem", "private key file",
            folder -> Pem.readPrivateKey(folder.resolve("any.pem"), "pw".toCharArray())),
        new Reader("loadClient ca.pem", "ca.pem", "certificate file", DockerTlsMaterial::readClient),
        new Reader("loadClient cert.pem", "cert.pem", "certificate file",
            DockerTlsMaterial::readClient),
        new Reader("loadClient key.pem", "key.pem", "private key file",
            DockerTlsMaterial::readClient),
        new Reader("loadServer server-cert.pem", "server-cert.pem", "certificate file",
            DockerTlsMaterial::readServer),
        new Reader("loadServer server-key.pem", "server-key.pem", "private key file",
            DockerTlsMaterial::readServer),
        new Reader("load --tlscacert", "tlscacert.pem", "certificate file",
            folder -> DockerTlsMaterial.read(Role.CLIENT, folder.resolve("tlscacert.pem"),
                folder.resolve("cert.pem"), folder.resolve("key.pem"), null)),
        new Reader("loadTrustOnly", "trust.pem", "certificate file",
            folder -> DockerTlsMaterial.readTrustOnly(folder.resolve("trust.pem"))));
  }

  /** A folder with valid client and server material, but for {@code slot}. */
  private Path folder(String name, String slot) throws IOException {
    Path folder = Files.createDirectory(dir.resolve(name));
    HeldCertificate ca = Fixtures.ca("docker-ca");
    HeldCertificate client = Fixtures.client(ca);
    HeldCertificate server = Fixtures.server(ca, "localhost");
    for (String file : List.of("ca.pem", "tlscacert.pem")) {
      if (!file.equals(slot)) {
        ca.writeCertificate(folder.resolve(file));
      }
    }
    if (!slot.equals("cert.pem")) {
      client.writeCertificate(folder.resolve("cert.pem"));
    }
    if (!slot.equals("key.pem")) {
      client.writePrivateKey(folder.resolve("key.pem"));
    }
    if (!slot.equals("server-cert.pem")) {
      server.writeCertificate(folder.resolve("server-cert.pem"));
    }
    if (!slot.equals("server-key.pem")) {
      server.writePrivateKey(folder.resolve("server-key.pem"));
    }
    return folder;
  }

  @TestFactory
  List<DynamicTest> everyReaderRefusesEveryHostilePathQuicklyNamingIt() {
    List<DynamicTest> tests = new ArrayList<>();
    int n = 0;
    for (Reader reader : readers()) {
      for (Hostile hostile : hostiles()) {
        String name = "case" + n++;
        tests.add(DynamicTest.dynamicTest(reader.name() + " on a " + hostile, () -> {
          Path folder = folder(name, reader.slot());
          String expected = hostile.maker().make(folder.resolve(reader.slot()), reader.what());
          TlsMaterialException e = assertTimeoutPreemptively(QUICKLY,
              () -> assertThrows(TlsMaterialException.class, () -> reader.read().apply(folder)));
          assertEquals(expected, e.getMessage());
        }));
      }
    }
    return tests;
  }

  @Test
  void devZeroItselfIsRefusedAsACharacterDevice() {
    TlsMaterialException e = assertTimeoutPreemptively(QUICKLY, () -> assertThrows(
        TlsMaterialException.class, () -> Pem.readPrivateKey(Path.of("/dev/zero"))));
    assertEquals("private key file must be a regular file: /dev/zero (a character device)",
        e.getMessage());
  }

  @Test
  void aDanglingLinkDoesNotExist() throws IOException {
    Path link = Files.createSymbolicLink(dir.resolve("ca.pem"), dir.resolve("gone.pem"));
    TlsMaterialException e = assertThrows(TlsMaterialException.class,
        () -> Pem.readCertificates(link));
    assertEquals("certificate file does not exist: " + link, e.getMessage());
  }

  @Test
  void aLinkToARegularFileIsFollowedAndAFileOfExactlyTheCapIsRead() throws IOException {
    HeldCertificate ca = Fixtures.ca("linked");
    Path real = dir.resolve("real.pem");
    ca.writeCertificate(real);
    Path link = Files.createSymbolicLink(dir.resolve("link.pem"), real);
    assertEquals(ca.certificate(), Pem.readCertificate(link));

    // text after the END line is skipped, so a certificate padded to exactly 1 MiB still reads
    String pem = ca.certificatePem();
    Path full = dir.resolve("full.pem");
    Files.writeString(full, pem + "#".repeat((1 << 20) - pem.length()));
    assertEquals(1 << 20, Files.size(full));
    assertEquals(ca.certificate(), Pem.readCertificate(full));
  }
}
