package dev.carapace.tls.internal;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Delegates chain validation to a PKIX trust manager, then checks that the server's leaf
 * certificate names the host the caller dialled. This puts hostname verification inside the
 * {@link javax.net.ssl.SSLContext}, where no HTTP client can forget or replace it.
 */
public final class HostnameVerifyingTrustManager extends X509ExtendedTrustManager {
  private final X509ExtendedTrustManager delegate;
  private final String expectedHost;

  /** Wraps {@code delegate}; server chains must also match {@code expectedHost}. */
  public HostnameVerifyingTrustManager(X509ExtendedTrustManager delegate, String expectedHost) {
    this.delegate = delegate;
    this.expectedHost = expectedHost;
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    delegate.checkServerTrusted(chain, authType);
    verifyHost(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    delegate.checkServerTrusted(chain, authType, socket);
    verifyHost(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    delegate.checkServerTrusted(chain, authType, engine);
    verifyHost(chain);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    delegate.checkClientTrusted(chain, authType);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    delegate.checkClientTrusted(chain, authType, socket);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    delegate.checkClientTrusted(chain, authType, engine);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return delegate.getAcceptedIssuers();
  }

  private void verifyHost(X509Certificate[] chain) throws CertificateException {
    if (!SubjectAltNames.matches(chain[0], expectedHost)) {
      throw new CertificateException(
          "server certificate does not match host " + expectedHost
              + ": SANs " + SubjectAltNames.describe(chain[0]));
    }
  }
}
