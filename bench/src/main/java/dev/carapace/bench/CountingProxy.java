package dev.carapace.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * A loopback TCP proxy in front of the engine's unix socket that counts HTTP requests. It forwards
 * bytes untouched and, on the client-to-engine side, parses request lines, headers and bodies
 * (Content-Length or chunked) to find where each request ends; after an upgraded (hijacked) request
 * it only forwards. Point clients at {@link #dockerHost()}.
 */
final class CountingProxy implements AutoCloseable {
  private static final boolean DEBUG = Boolean.getBoolean("bench.proxy.debug");
  private static final Pattern ID = Pattern.compile("[0-9a-f]{64}");

  private final Path socket;
  private final ServerSocket server;
  private final List<String> requests = new ArrayList<>();
  private final AtomicInteger connections = new AtomicInteger();
  private final Thread acceptor;

  CountingProxy(Path socket) throws IOException {
    this.socket = socket;
    this.server = new ServerSocket(0, 64, InetAddress.getLoopbackAddress());
    this.acceptor = new Thread(this::acceptLoop, "counting-proxy-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return server.getLocalPort();
  }

  String dockerHost() {
    return "tcp://127.0.0.1:" + port();
  }

  /** Every request so far as {@code METHOD /path} with container ids as {@code {id}}, query dropped. */
  synchronized List<String> requests() {
    return List.copyOf(requests);
  }

  int connections() {
    return connections.get();
  }

  synchronized void reset() {
    requests.clear();
    connections.set(0);
  }

  private synchronized void record(String requestLine) {
    String[] parts = requestLine.split(" ");
    String target = parts.length > 1 ? parts[1] : "?";
    int q = target.indexOf('?');
    String path = q < 0 ? target : target.substring(0, q);
    requests.add(parts[0].toUpperCase(Locale.ROOT) + " " + ID.matcher(path).replaceAll("{id}"));
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return;
      }
      connections.incrementAndGet();
      try {
        SocketChannel engine = SocketChannel.open(UnixDomainSocketAddress.of(socket));
        daemon("proxy-up", () -> upstream(client, engine));
        daemon("proxy-down", () -> downstream(engine, client));
      } catch (IOException e) {
        closeQuietly(client);
      }
    }
  }

  private static void daemon(String name, Runnable r) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    t.start();
  }

  /** Engine to client: raw bytes. Uses the channel directly: its stream adapters lock out a concurrent write. */
  private static void downstream(SocketChannel engine, Socket client) {
    ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
    try {
      OutputStream out = client.getOutputStream();
      while (engine.read(buf) >= 0) {
        out.write(buf.array(), 0, buf.position());
        out.flush();
        buf.clear();
      }
      client.shutdownOutput();
    } catch (IOException e) {
      closeQuietly(client);
      closeQuietly(engine);
    }
  }

  /** Client to engine: forwards every chunk as it arrives and parses it to count requests. */
  private void upstream(Socket client, SocketChannel engine) {
    try {
      Tee in = new Tee(client.getInputStream(), engine);
      String line;
      while ((line = in.line()) != null) {
        if (line.isEmpty()) {
          continue;
        }
        record(line);
        if (DEBUG) {
          System.err.println("proxy> " + line);
        }
        long length = 0;
        boolean chunked = false;
        boolean upgrade = false;
        String h;
        while ((h = in.line()) != null && !h.isEmpty()) {
          if (DEBUG) {
            System.err.println("proxy> " + h);
          }
          String lower = h.toLowerCase(Locale.ROOT);
          if (lower.startsWith("content-length:")) {
            length = Long.parseLong(lower.substring(15).trim());
          } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
            chunked = true;
          } else if (lower.startsWith("upgrade:") || (lower.startsWith("connection:") && lower.contains("upgrade"))) {
            upgrade = true;
          }
        }
        if (chunked) {
          long size;
          while ((size = chunkSize(in.line())) > 0) {
            in.skip(size);
            in.line();
          }
          while ((h = in.line()) != null && !h.isEmpty()) {
            // trailers
          }
        } else {
          in.skip(length);
        }
        if (upgrade) {
          while (in.fill() >= 0) {
            // hijacked stream: forward only
          }
          break;
        }
      }
      engine.shutdownOutput();
    } catch (IOException | RuntimeException e) {
      if (DEBUG) {
        e.printStackTrace();
      }
      closeQuietly(client);
      closeQuietly(engine);
    }
  }

  private static long chunkSize(String line) {
    if (line == null) {
      return -1;
    }
    int semi = line.indexOf(';');
    return Long.parseLong((semi < 0 ? line : line.substring(0, semi)).trim(), 16);
  }

  /** Reads the client's bytes for parsing after forwarding each chunk to the engine at once. */
  private static final class Tee {
    private final InputStream in;
    private final SocketChannel out;
    private final byte[] buf = new byte[64 * 1024];
    private int pos;
    private int lim;

    Tee(InputStream in, SocketChannel out) {
      this.in = in;
      this.out = out;
    }

    int fill() throws IOException {
      int n = in.read(buf);
      if (n < 0) {
        return -1;
      }
      ByteBuffer b = ByteBuffer.wrap(buf, 0, n);
      while (b.hasRemaining()) {
        out.write(b);
      }
      pos = 0;
      lim = n;
      return n;
    }

    int read() throws IOException {
      if (pos == lim && fill() < 0) {
        return -1;
      }
      return buf[pos++] & 0xff;
    }

    String line() throws IOException {
      StringBuilder sb = new StringBuilder();
      int c;
      while ((c = read()) >= 0 && c != '\n') {
        if (c != '\r') {
          sb.append((char) c);
        }
      }
      return c < 0 && sb.length() == 0 ? null : sb.toString();
    }

    void skip(long n) throws IOException {
      while (n > 0) {
        if (pos == lim && fill() < 0) {
          return;
        }
        int k = (int) Math.min(n, lim - pos);
        pos += k;
        n -= k;
      }
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      // tearing down a proxied connection
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
