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

/**
 * A TCP proxy in front of the engine (its unix socket, or its TLS port: TLS passes through untouched)
 * that forwards both ways until {@link #silence}; from then on it reads and drops every byte and
 * answers nothing: an engine that accepted the connection and went silent, for this proxy's clients
 * only (the engine itself is never frozen).
 */
public final class SilentProxy implements AutoCloseable {
  private final ServerSocketChannel server;
  private final SocketAddress upstream;
  private final List<SocketChannel> open = Collections.synchronizedList(new ArrayList<>());
  private volatile boolean silent;

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
        daemon(() -> pump(client, up));
        daemon(() -> pump(up, client));
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

  private void pump(SocketChannel from, SocketChannel to) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(16384);
    while (from.read(buffer) >= 0) {
      buffer.flip();
      while (!silent && buffer.hasRemaining()) {
        to.write(buffer);
      }
      buffer.clear();
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

  @Override
  public void close() throws IOException {
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
