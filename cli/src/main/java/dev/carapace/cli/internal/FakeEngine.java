package dev.carapace.cli.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The engine {@link CdsTraining} audits: a unix socket in a new temporary folder, answering
 * {@code GET /info}, {@code /containers/json} (three running containers), {@code /containers/ID/json} and
 * {@code /images/ID/json} with canned JSON as Docker Engine 20.10 writes it (resources {@code cds/*.json}),
 * anything else with 404. HTTP/1.1 with keep-alive, a thread per connection; {@link #close()} removes
 * the socket and the folder. Never used outside the training run.
 */
final class FakeEngine implements AutoCloseable {
  private static final Pattern REQUEST = Pattern.compile("^GET (?:/v[0-9.]+)?(/[^ ?]*)(?:\\?[^ ]*)? HTTP/1\\.1\r\n");
  private static final Pattern CONTAINER = Pattern.compile("/containers/([0-9a-f]{64})/json");
  private static final String[] IDS = {"1", "2", "3"};

  private final Path folder;
  private final Path socket;
  private final ServerSocketChannel server;
  private final String container;
  private final String image;

  private FakeEngine(Path folder) throws IOException {
    this.folder = folder;
    this.socket = folder.resolve("engine.sock");
    this.container = resource("cds/container.json");
    this.image = resource("cds/image.json");
    this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(socket));
    Thread accept = new Thread(this::accept, "carapace-cds-engine");
    accept.setDaemon(true);
    accept.start();
  }

  static FakeEngine start() throws IOException {
    Path folder = Files.createTempDirectory("carapace-cds-");
    try {
      return new FakeEngine(folder);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(folder.resolve("engine.sock"));
      Files.deleteIfExists(folder);
      throw e;
    }
  }

  /** {@code unix:///.../engine.sock}. */
  String uri() {
    return "unix://" + socket;
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = FakeEngine.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IOException("missing resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static String id(String n) {
    return "c0ffee".repeat(10) + "000" + n;
  }

  private void accept() {
    try {
      while (true) {
        SocketChannel c = server.accept();
        Thread t = new Thread(() -> serve(c), "carapace-cds-connection");
        t.setDaemon(true);
        t.start();
      }
    } catch (IOException closed) {
      // close()
    }
  }

  private void serve(SocketChannel channel) {
    try (channel) {
      ByteArrayOutputStream pending = new ByteArrayOutputStream();
      ByteBuffer buffer = ByteBuffer.allocate(8192);
      while (channel.read(buffer.clear()) > 0) {
        pending.write(buffer.array(), 0, buffer.position());
        String text = pending.toString(StandardCharsets.ISO_8859_1);
        int end;
        while ((end = text.indexOf("\r\n\r\n")) >= 0) {
          answer(channel, text.substring(0, end + 2));
          text = text.substring(end + 4);
        }
        pending.reset();
        pending.write(text.getBytes(StandardCharsets.ISO_8859_1));
      }
    } catch (IOException | UncheckedIOException gone) {
      // the client closed its connection
    }
  }

  private void answer(SocketChannel channel, String head) throws IOException {
    Matcher m = REQUEST.matcher(head);
    String path = m.find() ? m.group(1) : "";
    Matcher c = CONTAINER.matcher(path);
    String body;
    int status = 200;
    if (path.equals("/info")) {
      body = "{\"SecurityOptions\":[\"name=seccomp,profile=default\"],\"ServerVersion\":\"20.10.24\"}";
    } else if (path.equals("/_ping")) {
      body = "OK";
    } else if (path.equals("/containers/json")) {
      StringBuilder list = new StringBuilder("[");
      for (String n : IDS) {
        list.append(list.length() > 1 ? "," : "").append("{\"Id\":\"").append(id(n)).append("\",\"State\":\"running\"}");
      }
      body = list.append(']').toString();
    } else if (c.matches()) {
      body = container.replace("ID_OF_THE_CONTAINER", c.group(1));
    } else if (path.startsWith("/images/") && path.endsWith("/json")) {
      body = image;
    } else {
      status = 404;
      body = "{\"message\":\"no such object\"}";
    }
    // chunked, as Docker Engine sends its JSON answers: the client's chunked decoding is trained too
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    String response = "HTTP/1.1 " + status + (status == 200 ? " OK" : " Not Found") + "\r\nApi-Version: 1.41\r\n"
        + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
        + Integer.toHexString(bytes.length) + "\r\n";
    byte[] end = "\r\n0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
    ByteBuffer out = ByteBuffer.allocate(response.length() + bytes.length + end.length);
    out.put(response.getBytes(StandardCharsets.ISO_8859_1)).put(bytes).put(end).flip();
    while (out.hasRemaining()) {
      channel.write(out);
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    Files.deleteIfExists(socket);
    Files.deleteIfExists(folder);
  }
}
