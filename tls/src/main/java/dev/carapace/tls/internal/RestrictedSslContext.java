package dev.carapace.tls.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.KeyManagementException;
import java.security.SecureRandom;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * An {@link SSLContext} whose sockets, server sockets and engines come with a fixed set of
 * protocols enabled (TLS 1.3 and 1.2) and, for servers, client authentication required. Callers
 * that set their own protocols afterwards still can; callers that do nothing get these.
 */
public final class RestrictedSslContext extends SSLContext {

  /** Wraps the initialized {@code delegate}. */
  public RestrictedSslContext(SSLContext delegate, String[] protocols, boolean needClientAuth) {
    super(new Spi(delegate, protocols.clone(), needClientAuth), delegate.getProvider(), "TLS");
  }

  private static final class Spi extends SSLContextSpi {
    private final SSLContext delegate;
    private final String[] protocols;
    private final boolean needClientAuth;

    Spi(SSLContext delegate, String[] protocols, boolean needClientAuth) {
      this.delegate = delegate;
      this.protocols = protocols;
      this.needClientAuth = needClientAuth;
    }

    @Override
    protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom random)
        throws KeyManagementException {
      throw new KeyManagementException("already initialized from Docker TLS material");
    }

    @Override
    protected SSLSocketFactory engineGetSocketFactory() {
      return new Sockets(delegate.getSocketFactory(), this);
    }

    @Override
    protected SSLServerSocketFactory engineGetServerSocketFactory() {
      return new ServerSockets(delegate.getServerSocketFactory(), this);
    }

    @Override
    protected SSLEngine engineCreateSSLEngine() {
      return restrict(delegate.createSSLEngine());
    }

    @Override
    protected SSLEngine engineCreateSSLEngine(String host, int port) {
      return restrict(delegate.createSSLEngine(host, port));
    }

    @Override
    protected SSLSessionContext engineGetServerSessionContext() {
      return delegate.getServerSessionContext();
    }

    @Override
    protected SSLSessionContext engineGetClientSessionContext() {
      return delegate.getClientSessionContext();
    }

    @Override
    protected SSLParameters engineGetDefaultSSLParameters() {
      SSLParameters parameters = delegate.getDefaultSSLParameters();
      parameters.setProtocols(protocols.clone());
      if (needClientAuth) {
        parameters.setNeedClientAuth(true);
      }
      return parameters;
    }

    @Override
    protected SSLParameters engineGetSupportedSSLParameters() {
      return delegate.getSupportedSSLParameters();
    }

    SSLEngine restrict(SSLEngine engine) {
      engine.setEnabledProtocols(protocols.clone());
      if (needClientAuth) {
        engine.setNeedClientAuth(true);
      }
      return engine;
    }

    Socket restrict(Socket socket) {
      ((SSLSocket) socket).setEnabledProtocols(protocols.clone());
      return socket;
    }

    ServerSocket restrict(ServerSocket socket) {
      SSLServerSocket server = (SSLServerSocket) socket;
      server.setEnabledProtocols(protocols.clone());
      if (needClientAuth) {
        server.setNeedClientAuth(true);
      }
      return server;
    }
  }

  private static final class Sockets extends SSLSocketFactory {
    private final SSLSocketFactory delegate;
    private final Spi spi;

    Sockets(SSLSocketFactory delegate, Spi spi) {
      this.delegate = delegate;
      this.spi = spi;
    }

    @Override
    public String[] getDefaultCipherSuites() {
      return delegate.getDefaultCipherSuites();
    }

    @Override
    public String[] getSupportedCipherSuites() {
      return delegate.getSupportedCipherSuites();
    }

    @Override
    public Socket createSocket() throws IOException {
      return spi.restrict(delegate.createSocket());
    }

    @Override
    public Socket createSocket(Socket socket, String host, int port, boolean autoClose)
        throws IOException {
      return spi.restrict(delegate.createSocket(socket, host, port, autoClose));
    }

    @Override
    public Socket createSocket(Socket socket, InputStream consumed, boolean autoClose)
        throws IOException {
      return spi.restrict(delegate.createSocket(socket, consumed, autoClose));
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
      return spi.restrict(delegate.createSocket(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort)
        throws IOException {
      return spi.restrict(delegate.createSocket(host, port, localHost, localPort));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
      return spi.restrict(delegate.createSocket(host, port));
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress,
        int localPort) throws IOException {
      return spi.restrict(delegate.createSocket(address, port, localAddress, localPort));
    }
  }

  private static final class ServerSockets extends SSLServerSocketFactory {
    private final SSLServerSocketFactory delegate;
    private final Spi spi;

    ServerSockets(SSLServerSocketFactory delegate, Spi spi) {
      this.delegate = delegate;
      this.spi = spi;
    }

    @Override
    public String[] getDefaultCipherSuites() {
      return delegate.getDefaultCipherSuites();
    }

    @Override
    public String[] getSupportedCipherSuites() {
      return delegate.getSupportedCipherSuites();
    }

    @Override
    public ServerSocket createServerSocket() throws IOException {
      return spi.restrict(delegate.createServerSocket());
    }

    @Override
    public ServerSocket createServerSocket(int port) throws IOException {
      return spi.restrict(delegate.createServerSocket(port));
    }

    @Override
    public ServerSocket createServerSocket(int port, int backlog) throws IOException {
      return spi.restrict(delegate.createServerSocket(port, backlog));
    }

    @Override
    public ServerSocket createServerSocket(int port, int backlog, InetAddress address)
        throws IOException {
      return spi.restrict(delegate.createServerSocket(port, backlog, address));
    }
  }
}
