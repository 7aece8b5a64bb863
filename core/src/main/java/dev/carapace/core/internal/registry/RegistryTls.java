package dev.carapace.core.internal.registry;

import dev.carapace.tls.Pem;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Trusts a registry's certificate as the engine does: the JDK's own trusted CAs, every {@code *.crt}
 * file in {@code /etc/docker/certs.d/<host:port>/} (dockerd reads that folder at each pull), and the
 * CAs a caller gives. Client certificates in that folder ({@code *.cert}, {@code *.key}) are not read.
 */
public final class RegistryTls {
  /** Where dockerd looks for a registry's CAs: {@code /etc/docker/certs.d/<host:port>/*.crt}. */
  public static final Path ENGINE_CERTS_DIR = Path.of("/etc/docker/certs.d");
  /** How many {@code *.crt} files of one registry's folder are read. */
  static final int MAX_CA_FILES = 64;

  private RegistryTls() {}

  /**
   * The CAs of {@code certsDir/<registry>/*.crt}, in file-name order; none when the folder is absent.
   *
   * @throws IllegalArgumentException when a file is not PEM certificates (the message names it)
   */
  public static List<X509Certificate> engineCas(Path certsDir, String registry) {
    Path dir = certsDir.resolve(registry);
    TreeSet<Path> files = new TreeSet<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "*.crt")) {
      for (Path p : s) {
        if (files.size() >= MAX_CA_FILES) {
          throw new IllegalArgumentException("registry CA folder must hold at most " + MAX_CA_FILES
              + " *.crt files: " + dir);
        }
        files.add(p);
      }
    } catch (NoSuchFileException | NotDirectoryException e) {
      return List.of();
    } catch (IOException e) {
      throw new IllegalArgumentException("registry CA folder must be readable: " + dir + " ("
          + e.getClass().getSimpleName() + ")", e);
    }
    List<X509Certificate> cas = new ArrayList<>();
    for (Path f : files) {
      try {
        cas.addAll(Pem.readCertificates(f));
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(e.getMessage(), e);
      }
    }
    return cas;
  }

  /** A TLS context trusting the JDK's CAs and {@code extra}. */
  public static SSLContext context(List<X509Certificate> extra) {
    try {
      TrustManagerFactory jdk = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      jdk.init((KeyStore) null);
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      int n = 0;
      for (TrustManager tm : jdk.getTrustManagers()) {
        if (tm instanceof X509TrustManager x) {
          for (X509Certificate c : x.getAcceptedIssuers()) {
            store.setCertificateEntry("jdk-" + n++, c);
          }
        }
      }
      for (X509Certificate c : extra) {
        store.setCertificateEntry("registry-" + n++, c);
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(store);
      SSLContext ssl = SSLContext.getInstance("TLS");
      ssl.init(null, tmf.getTrustManagers(), null);
      return ssl;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("this JDK cannot make a TLS context: " + e, e);
    }
  }
}
