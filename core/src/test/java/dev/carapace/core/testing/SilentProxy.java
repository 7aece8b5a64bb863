package dev.carapace.core.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * A TCP proxy in front of the engine (its unix socket, or its TLS port: TLS passes through untouched)
 * that forwards both ways until {@link #silence}; from then on it reads and drops every byte and
 * answers nothing: an engine that accepted the connection and went silent, for this proxy's clients
 * only (the engine itself is never frozen). After {@link #stopReading}, each connection forwards 64 KiB
 * more of its requests (headers, TLS records), then is never read again: an engine that stopped reading
 * a request body.
 */
public final class SilentProxy implements AutoCloseable {
  private final ServerSocketChannel server;
  private final SocketAddress upstream;
  private final List<SocketChannel> open = Collections.synchronizedList(new ArrayList<>());
  private volatile boolean silent;
  private volatile boolean deaf;
  /** What {@link #stopReading} still forwards of a request: its headers (and a TLS handshake), a little body. */
  private static final long DEAF_AFTER = 64 * 1024;
  private final CountDownLatch closed = new CountDownLatch(1);

  /** Forwards to {@code upstream}: a {@code UnixDomainSocketAddress} or an {@code InetSocketAddress}. */
  public SilentProxy(SocketAddress upstream) throws IOException {
    this.upstream = upstream;
    this.server = ServerSocketChannel.open();
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    daemon(() -> {
      while (server.isOpen()) {
        SocketChannel client = server.accept();
        SocketChannel up = upstream instanceof InetSocketAddress ? SocketChannel.open(upstream)
            : SocketChannel.open(StandardProtocolFamily.UNIX);
        if (!up.isConnected()) {
          up.connect(upstream);
        }
        open.add(client);
        open.add(up);
        daemon(() -> pump(client, up, true));
        daemon(() -> pump(up, client, false));
      }
    });
  }

  private interface Body {
    void run() throws IOException;
  }

  private static void daemon(Body body) {
    Thread t = new Thread(() -> {
      try {
        body.run();
      } catch (IOException e) {
        // a side closed
      }
    }, "silent-proxy");
    t.setDaemon(true);
    t.start();
  }

  private void pump(SocketChannel from, SocketChannel to, boolean request) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(16384);
    long sinceDeaf = 0;
    while (from.read(buffer) >= 0) {
      buffer.flip();
      if (request && deaf) {
        sinceDeaf += buffer.remaining();
      }
      while (!silent && buffer.hasRemaining()) {
        to.write(buffer);
      }
      buffer.clear();
      if (sinceDeaf >= DEAF_AFTER) {
        try {
          closed.await(); // never read again: the client's writes block once the socket buffers are full
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return;
      }
    }
    if (!silent) {
      to.shutdownOutput();
    }
  }

  public int port() {
    return server.socket().getLocalPort();
  }

  /** From now on, every byte from either side is dropped: nothing reaches the engine, nothing comes back. */
  public void silence() {
    silent = true;
  }

  /**
   * From now on, each connection forwards 64 KiB more of its requests (a request's headers and the
   * start of its body), then leaves the rest unread: the client's write of a large body blocks once the
   * socket buffers are full. Answers still come back, but the engine waits for the rest of the body.
   */
  public void stopReading() {
    deaf = true;
  }

  @Override
  public void close() throws IOException {
    closed.countDown();
    server.close();
    synchronized (open) {
      for (SocketChannel c : open) {
        c.close();
      }
    }
  }

  @Override
  public String toString() {
    return "SilentProxy{127.0.0.1:" + port() + " -> " + upstream + "}";
  }
}
