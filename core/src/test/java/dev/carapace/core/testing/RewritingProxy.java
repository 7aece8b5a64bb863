package dev.carapace.core.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * A real man in the middle: an HTTP proxy on 127.0.0.1 that forwards every request to the engine's
 * unix socket, and rewrites the JSON body of each {@code POST /containers/create} on the way. One
 * request per connection ({@code Connection: close} is forced), so each answer is pumped back to its
 * end without parsing it.
 *
 * <p>{@link #holdNextCreate} makes the next create one whose answer is lost: the engine carries it
 * out, possibly late, but its client never gets the answer, as from an engine that hung;
 * {@link #holdNextNetworkCreate} does the same to the next {@code POST /networks/create} (whose body
 * is passed on as it is); {@link #removeElsewhereOnNextDelete} plays another party removing the same
 * container.
 */
public final class RewritingProxy implements AutoCloseable {
  private static final Pattern CREATE = Pattern.compile("POST (/v[0-9.]+)?/containers/create(\\?.*)? HTTP/1\\.1");
  private static final Pattern NETWORK_CREATE = Pattern.compile("POST (/v[0-9.]+)?/networks/create(\\?.*)? HTTP/1\\.1");
  private static final Pattern CONTAINER_DELETE = Pattern.compile("DELETE (/v[0-9.]+)?/containers/([^/?]+)(\\?.*)? HTTP/1\\.1");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ServerSocket server;
  private final Path engine;
  private final Consumer<ObjectNode> rewrite;
  private final AtomicInteger rewritten = new AtomicInteger();
  private final Thread acceptor;
  private final java.util.concurrent.atomic.AtomicReference<Held> toHold = new java.util.concurrent.atomic.AtomicReference<>();
  private final java.util.concurrent.atomic.AtomicReference<Held> networkToHold =
      new java.util.concurrent.atomic.AtomicReference<>();
  private final java.util.concurrent.atomic.AtomicReference<Duration> removeElsewhere =
      new java.util.concurrent.atomic.AtomicReference<>();

  /**
   * A create request held: forwarded to the engine {@code delay} after it arrived, its answer read and
   * passed on {@code answerDelay} later, or never (null). Filled in as it happens.
   */
  public static final class Held {
    private final Duration delay;
    private final Duration answerDelay;
    private final java.util.concurrent.CountDownLatch answered = new java.util.concurrent.CountDownLatch(1);
    private volatile String createLabel;
    private volatile String containerId;
    private volatile long engineAnsweredAt;

    private Held(Duration delay, Duration answerDelay) {
      this.delay = delay;
      this.answerDelay = answerDelay;
    }

    /** The create's {@code dev.carapace.create} label, once the request arrived. */
    public String createLabel() {
      return createLabel;
    }

    /**
     * Waits until the engine answered the forwarded create.
     *
     * @return the id of the container (or network) the engine made, which its client never learnt
     * @throws AssertionError when the engine did not answer within {@code timeout}, or refused the create
     */
    public String awaitContainer(Duration timeout) throws InterruptedException {
      if (!answered.await(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS) || containerId == null) {
        throw new AssertionError("the held create was not carried out within " + timeout);
      }
      return containerId;
    }

    /** When the engine answered the forwarded create ({@link System#nanoTime()}). */
    public long engineAnsweredAt() {
      return engineAnsweredAt;
    }
  }

  /** Listens on an ephemeral loopback port; {@code rewrite} changes each create body in place. */
  public RewritingProxy(Path engineSocket, Consumer<ObjectNode> rewrite) throws IOException {
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.engine = engineSocket;
    this.rewrite = rewrite;
    this.acceptor = new Thread(this::acceptLoop, "rewriting-proxy");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  public int port() {
    return server.getLocalPort();
  }

  /**
   * The next create request is forwarded to the engine {@code delay} after it arrives (zero: at once;
   * longer than the client's response timeout: an engine frozen with the request, which carries it out
   * when it resumes), and its answer is never passed on: the client's connection stays open, silent,
   * until the client hangs up.
   */
  public Held holdNextCreate(Duration delay) {
    return hold(new Held(delay, null));
  }

  /**
   * The next create request is forwarded to the engine at once, and its answer passed on
   * {@code answerDelay} after the engine gave it: a create still under way for its client while the
   * container already exists.
   */
  public Held delayNextCreateAnswer(Duration answerDelay) {
    return hold(new Held(Duration.ZERO, answerDelay));
  }

  /**
   * The next network create request is forwarded to the engine {@code delay} after it arrives, and its
   * answer never passed on, as {@link #holdNextCreate} does to a container create.
   */
  public Held holdNextNetworkCreate(Duration delay) {
    Held held = new Held(delay, null);
    if (!networkToHold.compareAndSet(null, held)) {
      throw new IllegalStateException("a network create is already to be held");
    }
    return held;
  }

  /**
   * The next {@code DELETE /containers/ID} is refused at once with the engine's own answer to a removal
   * already under way (409, {@code removal of container ID is already in progress}), and forwarded to
   * the engine {@code delay} later: another party's removal (a reaper, a sweep, another process's
   * cleanup) still going on when the client's own is refused.
   */
  public void removeElsewhereOnNextDelete(Duration delay) {
    if (!removeElsewhere.compareAndSet(null, delay)) {
      throw new IllegalStateException("a delete is already to be taken elsewhere");
    }
  }

  private Held hold(Held held) {
    if (!toHold.compareAndSet(null, held)) {
      throw new IllegalStateException("a create is already to be held");
    }
    return held;
  }

  /** How many create requests were rewritten. */
  public int rewritten() {
    return rewritten.get();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Thread t = new Thread(() -> serve(client), "rewriting-proxy-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;   // closed
      }
    }
  }

  private void serve(Socket client) {
    try (client; SocketChannel upstream = SocketChannel.open(UnixDomainSocketAddress.of(engine))) {
      InputStream in = client.getInputStream();
      String head = readHead(in);
      if (head == null) {
        return;
      }
      String[] lines = head.split("\r\n");
      long length = 0;
      boolean chunked = false;
      StringBuilder headers = new StringBuilder(lines[0]).append("\r\n");
      for (int i = 1; i < lines.length; i++) {
        String lower = lines[i].toLowerCase(Locale.ROOT);
        if (lower.startsWith("content-length:")) {
          length = Long.parseLong(lines[i].substring(15).trim());
        } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
          chunked = true;
        } else if (!lower.startsWith("connection:")) {
          headers.append(lines[i]).append("\r\n");
        }
      }
      byte[] body = chunked ? readChunked(in) : in.readNBytes((int) length);
      Held held = null;
      if (CREATE.matcher(lines[0]).matches()) {
        ObjectNode json = (ObjectNode) JSON.readTree(body);
        rewrite.accept(json);
        body = JSON.writeValueAsBytes(json);
        rewritten.incrementAndGet();
        held = toHold.getAndSet(null);
        if (held != null) {
          held.createLabel = json.path("Labels").path("dev.carapace.create").asText(null);
          Thread.sleep(held.delay.toMillis());
        }
      } else if (NETWORK_CREATE.matcher(lines[0]).matches()) {
        held = networkToHold.getAndSet(null);
        if (held != null) {
          held.createLabel = JSON.readTree(body).path("Labels").path("dev.carapace.create").asText(null);
          Thread.sleep(held.delay.toMillis());
        }
      }
      java.util.regex.Matcher delete = CONTAINER_DELETE.matcher(lines[0]);
      Duration elsewhere = delete.matches() ? removeElsewhere.getAndSet(null) : null;
      if (elsewhere != null) {
        byte[] refusal = ("{\"message\":\"removal of container " + delete.group(2) + " is already in progress\"}\n")
            .getBytes(StandardCharsets.UTF_8);
        OutputStream out = client.getOutputStream();
        out.write(("HTTP/1.1 409 Conflict\r\nContent-Type: application/json\r\nContent-Length: " + refusal.length
            + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.write(refusal);
        out.flush();
        client.close();
        Thread.sleep(elsewhere.toMillis());
      }
      if (body.length > 0 || lines[0].startsWith("POST") || lines[0].startsWith("PUT")) {
        headers.append("Content-Length: ").append(body.length).append("\r\n");
      }
      headers.append("Connection: close\r\n\r\n");
      OutputStream up = Channels.newOutputStream(upstream);
      up.write(headers.toString().getBytes(StandardCharsets.ISO_8859_1));
      up.write(body);
      up.flush();
      if (held != null) {
        byte[] answer = Channels.newInputStream(upstream).readAllBytes();
        held.engineAnsweredAt = System.nanoTime();
        String text = new String(answer, StandardCharsets.ISO_8859_1);
        int id = text.indexOf("\"Id\":\"");
        held.containerId = id < 0 ? null : text.substring(id + 6, text.indexOf('"', id + 6));
        held.answered.countDown();
        if (held.answerDelay != null) {
          Thread.sleep(held.answerDelay.toMillis());
          client.getOutputStream().write(answer);
          return;
        }
        client.getInputStream().transferTo(OutputStream.nullOutputStream()); // silent until the client hangs up
        return;
      }
      if (elsewhere != null) {
        Channels.newInputStream(upstream).transferTo(OutputStream.nullOutputStream()); // the other party's answer
        return;
      }
      Channels.newInputStream(upstream).transferTo(client.getOutputStream());
    } catch (IOException e) {
      // the client or the engine hung up: the connection ends, as it would through any proxy
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    int b;
    while ((b = in.read()) >= 0) {
      head.write(b);
      matched = (b == '\r' && matched % 2 == 0) || (b == '\n' && matched % 2 == 1) ? matched + 1 : (b == '\r' ? 1 : 0);
      if (matched == 4) {
        String s = head.toString(StandardCharsets.ISO_8859_1);
        return s.substring(0, s.length() - 4);
      }
    }
    return null;
  }

  private static byte[] readChunked(InputStream in) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (true) {
      String sizeLine = readLine(in);
      int size = Integer.parseInt(sizeLine.split(";")[0].trim(), 16);
      if (size == 0) {
        while (!readLine(in).isEmpty()) {
          // trailers
        }
        return body.toByteArray();
      }
      body.write(in.readNBytes(size));
      readLine(in);
    }
  }

  private static String readLine(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    int b;
    while ((b = in.read()) >= 0 && b != '\n') {
      if (b != '\r') {
        sb.append((char) b);
      }
    }
    return sb.toString();
  }

  @Override
  public void close() throws IOException {
    server.close();
  }

  /** For a test's message: where it listens. */
  @Override
  public String toString() {
    return "proxy on " + new InetSocketAddress(InetAddress.getLoopbackAddress(), port()) + " to " + engine;
  }
}
