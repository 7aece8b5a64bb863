package dev.carapace.core.internal.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * One bounded {@code GET} for an HTTP wait: one HTTP/1.1 request with {@code Connection: close}, no
 * redirect followed, at most {@link #READ_LIMIT} bytes of the answer read, every connect and read
 * within the attempt's time. It reads the status line and keeps the start of the body, for the
 * message of a wait that times out.
 */
public final class HttpProbe {
  /** The most bytes of an answer read: its status line, headers and the start of its body. */
  public static final int READ_LIMIT = 16 * 1024;
  /** How many bytes of the body are kept for a message. */
  public static final int BODY_KEPT = 200;

  private static final Pattern STATUS_LINE = Pattern.compile("HTTP/\\d\\.\\d ([1-5]\\d\\d)(?: ([^\\r\\n]*))?");

  private HttpProbe() {}

  /**
   * What one attempt saw: an answer's {@code status} (with its {@code reason} phrase and the start of
   * its body), or, with {@code status} 0, why none came ({@code failure}).
   */
  public record Answer(int status, String reason, String bodyStart, String failure) {
    static Answer failed(String failure) {
      return new Answer(0, "", "", failure);
    }

    /** Whether an HTTP answer came. */
    public boolean answered() {
      return failure == null;
    }

    /** Whether the attempt's time ran out before a connection or an answer. */
    public boolean timedOut() {
      return failure != null && (failure.startsWith(NO_ANSWER) || failure.startsWith(NO_CONNECTION));
    }
  }

  /**
   * {@code GET path} on {@code host:port}, over TLS with {@code tls} (the server's certificate must
   * name {@code host}) or plain when null, all of it within {@code budget}.
   */
  public static Answer get(String host, int port, String path, SSLContext tls, Duration budget) {
    long deadline = System.nanoTime() + Math.max(budget.toNanos(), Duration.ofMillis(100).toNanos());
    try (Socket plain = new Socket()) {
      plain.connect(new InetSocketAddress(host, port), millisLeft(deadline));
      Socket socket = plain;
      if (tls != null) {
        plain.setSoTimeout(millisLeft(deadline));
        SSLSocket ssl = (SSLSocket) tls.getSocketFactory().createSocket(plain, host, port, false);
        SSLParameters parameters = ssl.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        ssl.setSSLParameters(parameters);
        ssl.startHandshake();
        socket = ssl;
      }
      String hostHeader = (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
      OutputStream out = socket.getOutputStream();
      out.write(("GET " + path + " HTTP/1.1\r\nHost: " + hostHeader + "\r\nUser-Agent: carapace-wait\r\n"
          + "Accept: */*\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      return read(socket, deadline);
    } catch (Closed e) {
      return Answer.failed(CLOSED);
    } catch (SSLException e) {
      return Answer.failed("TLS handshake failed: " + message(e));
    } catch (SocketTimeoutException e) {
      return Answer.failed(NO_CONNECTION + ": " + message(e));
    } catch (IOException e) {
      return Answer.failed(message(e));
    }
  }

  private static final String NO_ANSWER = "no answer within the attempt's time";
  private static final String NO_CONNECTION = "no connection within the attempt's time";
  private static final String CLOSED =
      "connection closed without an answer (the engine's proxy found nothing listening in the container)";

  /** The peer closed or reset the connection before a byte of answer came. */
  private static final class Closed extends IOException {
    private static final long serialVersionUID = 1L;
  }

  /** Reads the answer until the end, {@link #READ_LIMIT}, or the head and {@link #BODY_KEPT} bytes of body. */
  private static Answer read(Socket socket, long deadline) throws IOException {
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    byte[] buffer = new byte[4096];
    InputStream in = socket.getInputStream();
    boolean timedOut = false;
    while (got.size() < READ_LIMIT) {
      socket.setSoTimeout(millisLeft(deadline));
      int n;
      try {
        n = in.read(buffer, 0, Math.min(buffer.length, READ_LIMIT - got.size()));
      } catch (SocketTimeoutException e) {
        timedOut = true;
        break;
      } catch (java.net.SocketException e) {
        if (got.size() == 0) {
          throw new Closed(); // a reset: the engine's proxy closes so when nothing listens behind it
        }
        break;
      }
      if (n < 0) {
        break;
      }
      got.write(buffer, 0, n);
      int body = bodyStart(got.toByteArray());
      if (body >= 0 && got.size() - body >= BODY_KEPT) {
        break;
      }
    }
    return parse(got.toByteArray(), timedOut);
  }

  /** What {@code bytes}, the start of an answer, say; {@code timedOut} when no more came in time. */
  public static Answer parse(byte[] bytes, boolean timedOut) {
    if (bytes.length == 0) {
      return Answer.failed(timedOut ? NO_ANSWER + " (connected, nothing sent back)" : CLOSED);
    }
    String text = new String(bytes, StandardCharsets.ISO_8859_1);
    int eol = text.indexOf('\n');
    String line = eol < 0 ? text : text.substring(0, eol);
    if (line.endsWith("\r")) {
      line = line.substring(0, line.length() - 1);
    }
    Matcher m = STATUS_LINE.matcher(line);
    if (eol < 0 || !m.matches()) {
      String start = text.substring(0, Math.min(BODY_KEPT, text.length()));
      return Answer.failed("not an HTTP answer, it began " + Strings.quote(start)
          + (text.length() > BODY_KEPT ? "..." : ""));
    }
    int body = bodyStart(bytes);
    String bodyStart = body < 0 ? "" : new String(bytes, body, Math.min(BODY_KEPT, bytes.length - body),
        StandardCharsets.UTF_8);
    return new Answer(Integer.parseInt(m.group(1)), m.group(2) == null ? "" : m.group(2).strip(), bodyStart, null);
  }

  /** Where the body begins (after the blank line ending the head), or -1 before it arrived. */
  private static int bodyStart(byte[] bytes) {
    for (int i = 0; i + 1 < bytes.length; i++) {
      if (bytes[i] == '\n' && bytes[i + 1] == '\n') {
        return i + 2;
      }
      if (i + 3 < bytes.length && bytes[i] == '\r' && bytes[i + 1] == '\n' && bytes[i + 2] == '\r'
          && bytes[i + 3] == '\n') {
        return i + 4;
      }
    }
    return -1;
  }

  private static int millisLeft(long deadline) {
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, (deadline - System.nanoTime()) / 1_000_000));
  }

  private static String message(IOException e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
