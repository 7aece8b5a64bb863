package dev.carapace.tls;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * A one-connection TLS echo server on 127.0.0.1, port 0, requiring a client certificate. It
 * answers the first line {@code x} with {@code echo x}; its outcome (the negotiated protocol, or
 * the exception that ended the handshake) is in {@link #result()}.
 */
final class TlsTestServer implements AutoCloseable {
  private final SSLServerSocket serverSocket;
  private final CompletableFuture<String> result = new CompletableFuture<>();

  TlsTestServer(SSLContext serverContext, String... protocols) throws IOException {
    serverSocket = (SSLServerSocket) serverContext.getServerSocketFactory()
        .createServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
    serverSocket.setNeedClientAuth(true);
    if (protocols.length > 0) {
      serverSocket.setEnabledProtocols(protocols);
    }
    Thread thread = new Thread(this::serveOnce, "tls-test-server");
    thread.setDaemon(true);
    thread.start();
  }

  int port() {
    return serverSocket.getLocalPort();
  }

  /** Completes with the negotiated protocol, or exceptionally with the server-side failure. */
  CompletableFuture<String> result() {
    return result;
  }

  private void serveOnce() {
    try (SSLSocket socket = (SSLSocket) serverSocket.accept()) {
      socket.setSoTimeout(10_000);
      socket.startHandshake();
      BufferedReader in = new BufferedReader(
          new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      PrintWriter out = new PrintWriter(socket.getOutputStream(), true, StandardCharsets.UTF_8);
      out.println("echo " + in.readLine());
      result.complete(socket.getSession().getProtocol());
    } catch (IOException | RuntimeException e) {
      result.completeExceptionally(e);
    }
  }

  /** Connects with {@code clientContext}, sends {@code line}, returns the server's answer. */
  String exchange(SSLContext clientContext, String line) throws IOException {
    SSLSocketFactory factory = clientContext.getSocketFactory();
    try (SSLSocket socket = (SSLSocket) factory.createSocket("127.0.0.1", port())) {
      socket.setSoTimeout(10_000);
      socket.startHandshake();
      PrintWriter out = new PrintWriter(socket.getOutputStream(), true, StandardCharsets.UTF_8);
      out.println(line);
      String answer = new BufferedReader(
          new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8)).readLine();
      if (answer == null) {
        throw new IOException("server closed the connection without answering");
      }
      return answer;
    }
  }

  /** Waits for the server's outcome and returns its failure, or fails if it succeeded. */
  Throwable serverFailure() throws Exception {
    try {
      String protocol = result.get(10, TimeUnit.SECONDS);
      throw new AssertionError("server handshake succeeded with " + protocol);
    } catch (java.util.concurrent.ExecutionException e) {
      return e.getCause();
    }
  }

  @Override
  public void close() throws IOException {
    serverSocket.close();
  }
}
