package dev.carapace.core.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.github.dockerjava.api.DockerClient;
import dev.carapace.core.ContainerLauncher;
import dev.carapace.core.internal.engine.DockerClients;
import dev.carapace.core.Endpoint;
import dev.carapace.core.OwnerLabels;
import dev.carapace.core.ProcStatus;
import dev.carapace.core.RunResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * The peers {@code testbed/peers.sh} starts on 127.0.0.1 and the material it leaves in the testbed
 * folder ({@code -Dcarapace.testbed.dir}, default {@value #DEFAULT_DIR}). Tests that need a peer
 * fail, never skip, when it is missing: run {@code testbed/setup.sh}.
 */
public final class TestPeers {
  public static final String DEFAULT_DIR = "/var/lib/carapace-testbed";
  /** dockerd's {@code --tlsverify} listener. */
  public static final int DOCKERD_TLS = 2376;
  /** nginx: plain HTTP with basic auth, proxying to the unix socket (the seed). */
  public static final int NGINX_BASIC = 2380;
  /** nginx: TLS with a required client certificate, and basic auth. */
  public static final int NGINX_TLS = 2381;
  /** nginx: as {@link #NGINX_TLS}, with a server certificate naming only {@code wrong.example}. */
  public static final int NGINX_WRONG_NAME = 2382;
  /** nginx: TLS with the tls-module server certificate, no client certificate asked, basic auth. */
  public static final int NGINX_TLS_NO_CLIENT_CERT = 2383;
  /** The Docker Registry v2 ({@code testbed/registry.sh}): TLS from its own CA, htpasswd basic auth. */
  public static final int REGISTRY_PORT = 5443;
  /** The registry as image references name it. */
  public static final String REGISTRY = "127.0.0.1:" + REGISTRY_PORT;
  /** The registry's test user. */
  public static final String REGISTRY_USER = "carapace";
  /** The basic-auth user in the testbed's htpasswd file. */
  public static final String USER = "carapace";
  /** Client folders signed by the openssl CA, one per key encoding. */
  public static final List<String> OPENSSL_CLIENTS = List.of("rsa-pkcs1", "ec-sec1", "pkcs8", "pkcs8-encrypted");

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private TestPeers() {}

  /** The testbed folder; fails the test when it is missing. */
  public static Path dir() {
    Path dir = Path.of(System.getProperty("carapace.testbed.dir", DEFAULT_DIR));
    if (!Files.isDirectory(dir.resolve("pki"))) {
      fail("testbed peers missing: no " + dir.resolve("pki") + " (run testbed/setup.sh as root)");
    }
    return dir;
  }

  /** The examples module's DockerPkiCommand output: ca.pem, ca-key.pem, server-*, cert.pem, key.pem. */
  public static Path pki() {
    return dir().resolve("pki");
  }

  /** An openssl-made client folder in the DOCKER_CERT_PATH layout, see {@link #OPENSSL_CLIENTS}. */
  public static Path opensslClient(String kind) {
    return dir().resolve("clients").resolve(kind);
  }

  /** The passphrase of {@code clients/pkcs8-encrypted/key.pem}. */
  public static char[] passphrase() {
    return read(opensslClient("pkcs8-encrypted").resolve("passphrase")).toCharArray();
  }

  /** A client folder whose certificate comes from a CA dockerd does not trust. */
  public static Path untrustedClient() {
    return dir().resolve("untrusted").resolve("client");
  }

  /** The basic-auth password of {@link #USER}. */
  public static char[] password() {
    return read(dir().resolve("nginx").resolve("password")).toCharArray();
  }

  /** The password of {@link #REGISTRY_USER} at the registry ({@code registry/password}). */
  public static char[] registryPassword() {
    return read(dir().resolve("registry").resolve("password")).toCharArray();
  }

  private static String read(Path file) {
    try {
      return Files.readString(file).trim();
    } catch (IOException e) {
      return fail("testbed file missing: " + file + " (run testbed/setup.sh as root): " + e);
    }
  }

  /**
   * A TLS context for raw handshakes: trusts exactly {@code cas}, presents {@code key} with
   * {@code chain} when given (null: no client certificate at all) whatever CAs the server names.
   */
  public static SSLContext rawSslContext(List<X509Certificate> cas, PrivateKey key, List<X509Certificate> chain)
      throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    for (int i = 0; i < cas.size(); i++) {
      trust.setCertificateEntry("ca-" + i, cas.get(i));
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
    tmf.init(trust);
    KeyManager[] keyManagers = key == null ? null
        : new KeyManager[] {new AlwaysPresent(key, chain.toArray(new X509Certificate[0]))};
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keyManagers, tmf.getTrustManagers(), new SecureRandom());
    return context;
  }

  /**
   * Presents the one client certificate whatever CAs the server asks for. The JDK's own key manager
   * withholds a certificate whose issuer is not in the server's CertificateRequest, so a raw test
   * could not otherwise show the daemon refusing a certificate from another CA.
   */
  private static final class AlwaysPresent extends X509ExtendedKeyManager {
    private final PrivateKey key;
    private final X509Certificate[] chain;

    AlwaysPresent(PrivateKey key, X509Certificate[] chain) {
      this.key = key;
      this.chain = chain;
    }

    @Override
    public String chooseClientAlias(String[] keyType, java.security.Principal[] issuers, java.net.Socket socket) {
      return "client";
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, java.security.Principal[] issuers, javax.net.ssl.SSLEngine engine) {
      return "client";
    }

    @Override
    public String[] getClientAliases(String keyType, java.security.Principal[] issuers) {
      return new String[] {"client"};
    }

    @Override
    public String[] getServerAliases(String keyType, java.security.Principal[] issuers) {
      return null;
    }

    @Override
    public String chooseServerAlias(String keyType, java.security.Principal[] issuers, java.net.Socket socket) {
      return null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      return "client".equals(alias) ? chain.clone() : null;
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      return "client".equals(alias) ? key : null;
    }
  }

  /**
   * Counts the Carapace containers this JVM created that are still on the engine, asked over the
   * unix socket. Containers of other processes (other test runs on the same engine) do not count.
   */
  public static int ownContainers(DockerClient unixSocket) {
    String prefix = ProcessHandle.current().pid() + "@";
    return (int) unixSocket.listContainersCmd().withShowAll(true)
        .withLabelFilter(Map.of(OwnerLabels.MANAGED, "true")).exec().stream()
        .filter(c -> c.getLabels() != null
            && String.valueOf(c.getLabels().get(OwnerLabels.OWNER)).startsWith(prefix))
        .count();
  }

  /** Counts the containers created by the launcher with id {@code launcherId}. */
  public static int containersOf(DockerClient unixSocket, String launcherId) {
    return unixSocket.listContainersCmd().withShowAll(true)
        .withLabelFilter(Map.of(OwnerLabels.LAUNCHER, launcherId)).exec().size();
  }

  /** dockerd's log as setup.sh writes it ({@code -Dcarapace.dockerd.log}, default /var/log/dockerd.log). */
  public static Path dockerdLog() {
    Path log = Path.of(System.getProperty("carapace.dockerd.log", "/var/log/dockerd.log"));
    if (!Files.isReadable(log)) {
      fail("dockerd log missing: " + log + " (testbed/setup.sh starts dockerd with its output there)");
    }
    return log;
  }

  /** The current length of {@link #dockerdLog()}, to read what the daemon says from now on. */
  public static long dockerdLogMark() {
    try {
      return Files.size(dockerdLog());
    } catch (IOException e) {
      return fail("dockerd log unreadable: " + e);
    }
  }

  /**
   * Waits up to 5 s for dockerd to log a line containing {@code text} after {@code mark}, and
   * returns that line; fails the test with what was logged otherwise.
   */
  public static String awaitDockerdLog(long mark, String text) {
    long deadline = System.nanoTime() + 5_000_000_000L;
    String logged = "";
    while (true) {
      try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(dockerdLog().toFile(), "r")) {
        f.seek(Math.min(mark, f.length()));
        byte[] rest = new byte[(int) (f.length() - f.getFilePointer())];
        f.readFully(rest);
        logged = new String(rest, java.nio.charset.StandardCharsets.UTF_8);
      } catch (IOException e) {
        return fail("dockerd log unreadable: " + e);
      }
      for (String line : logged.split("\n")) {
        if (line.contains(text)) {
          return line;
        }
      }
      if (System.nanoTime() > deadline) {
        return fail("dockerd did not log \"" + text + "\"; it logged:\n" + logged);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return fail("interrupted");
      }
    }
  }

  /**
   * Runs the default (hardened) busybox spec reading {@code /proc/self/status} through
   * {@code endpoint} and asserts what the kernel shows: no effective capability, no_new_privs, and
   * nothing left on the engine.
   */
  public static void assertHardenedLaunch(Endpoint endpoint, DockerClient unixSocket) {
    try (ContainerLauncher launcher = ContainerLauncher.connect(endpoint)) {
      RunResult r = launcher.run(TestEngine.busybox("cat", "/proc/self/status").build(), TIMEOUT);
      assertEquals(0, r.exitCode(), r.stderr());
      ProcStatus status = ProcStatus.parse(r.stdout());
      assertEquals("0000000000000000", status.effectiveHex());
      assertTrue(status.noNewPrivs());
      assertEquals(0, containersOf(unixSocket, launcher.id()), "container left behind");
    }
  }

  /**
   * Tries the same launch through {@code endpoint} (built inside, so its own failures count too),
   * asserts it throws {@code type}, and that no container exists afterwards: none of the refused
   * launcher, and no more of this JVM's than before.
   */
  public static <X extends Throwable> X refusedWithoutContainer(Class<X> type, Supplier<Endpoint> endpoint,
      DockerClient unixSocket) {
    int before = ownContainers(unixSocket);
    X thrown = assertThrows(type, () -> {
      try (ContainerLauncher launcher = ContainerLauncher.connect(endpoint.get())) {
        try {
          launcher.run(TestEngine.busybox("cat", "/proc/self/status").build(), TIMEOUT);
        } finally {
          assertEquals(0, containersOf(unixSocket, launcher.id()), "containers of the refused launcher");
        }
      }
    });
    assertEquals(before, ownContainers(unixSocket), "containers of this JVM after the refusal");
    return thrown;
  }

  /**
   * A loopback TCP port nothing listens on: one the kernel just gave a socket that is closed again
   * (another process could take it meanwhile; nothing on the test machine binds ports at random).
   */
  public static int closedPort() throws java.io.IOException {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** A docker-java client on the unix socket, for counting. */
  public static DockerClient unixSocket() {
    return DockerClients.connect(TestEngine.endpoint());
  }
}
