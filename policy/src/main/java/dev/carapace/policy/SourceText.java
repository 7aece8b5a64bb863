package dev.carapace.policy;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The first check of every file read to be judged (a manifest, a Compose file, a file of {@code docker run}
 * lines): is it text? UTF-8 without a NUL byte, as the tools that read those files expect; a leading byte-order
 * mark is dropped. One check for every reader, so that a binary file is refused with the same words wherever it
 * is handed in.
 *
 * <pre>{@code
 * String text = SourceText.decode(Files.readAllBytes(Path.of("compose.yaml")));
 * }</pre>
 *
 * <p>The size is the caller's bound: read at most as many bytes as it takes (16 MiB for the readers here).
 */
public final class SourceText {
  private SourceText() {}

  /**
   * {@code bytes} as text.
   *
   * @throws IllegalArgumentException when it holds a NUL byte or is not UTF-8; the message starts
   *     {@code line N, column 1: } (the line of the first bad byte), then {@code must be text: a NUL byte at
   *     offset I (a binary file?)} or {@code must be UTF-8 text: byte 0xNN at offset I is not (a binary file?)}
   */
  public static String decode(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes must not be null");
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == 0) {
        throw new IllegalArgumentException("line " + lineOf(bytes, i) + ", column 1: must be text: a NUL byte at"
            + " offset " + i + " (a binary file?)");
      }
    }
    CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    String text;
    try {
      text = utf8.decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      int at = firstBadByte(bytes);
      throw new IllegalArgumentException("line " + lineOf(bytes, at) + ", column 1: must be UTF-8 text: byte 0x"
          + String.format("%02x", bytes[at] & 0xff) + " at offset " + at + " is not (a binary file?)", e);
    }
    return text.startsWith("\ufeff") ? text.substring(1) : text;
  }

  private static int lineOf(byte[] bytes, int offset) {
    int line = 1;
    for (int i = 0; i < offset && i < bytes.length; i++) {
      if (bytes[i] == '\n') {
        line++;
      }
    }
    return line;
  }

  /** The offset of the first byte the decoder refuses. */
  private static int firstBadByte(byte[] bytes) {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CoderResult result = decoder.decode(in, CharBuffer.allocate(bytes.length + 1), true);
    return result.isError() ? in.position() : Math.max(0, bytes.length - 1);
  }
}
