package dev.carapace.tls.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.util.io.pem.PemHeader;
import org.bouncycastle.util.io.pem.PemObject;

/**
 * Splits PEM text into blocks exactly as openssl's {@code PEM_read_bio} does (OpenSSL 3.0,
 * {@code crypto/pem/pem_lib.c}), so a file reads here if and only if {@code openssl x509 -in} or
 * {@code openssl pkey -in} reads it:
 *
 * <ul>
 *   <li>a UTF-8 byte order mark is dropped from the first line of each read (the start of the file,
 *       and the line right after an END line);
 *   <li>lines before a BEGIN line are skipped; a BEGIN or END line must start in the first column,
 *       trailing white space (and, as openssl's signed {@code char} has it, bytes from 0x80) is
 *       ignored;
 *   <li>inside a block, white space anywhere in a base64 line is ignored (indented lines read);
 *   <li>a blank line ends the RFC 1421 headers ({@code Proc-Type}, {@code DEK-Info}); text before it
 *       that is not a {@code Proc-Type} header, a second blank line, an END line naming another type
 *       and a block without END are errors; after headers, base64 lines are at most 64 characters
 *       and only the last may be shorter.
 * </ul>
 *
 * <p>Errors name the line, never its content: a private key line is a secret.
 */
public final class PemBlocks {
  private static final String BEGIN = "-----BEGIN ";
  private static final String END = "-----END ";
  private static final String TAIL = "-----";
  /** U+FEFF encoded as UTF-8, as it appears in text decoded as ISO-8859-1. */
  private static final String BOM = "\u00ef\u00bb\u00bf";

  private PemBlocks() {}

  /** The PEM text is malformed; the message names the line and the problem. */
  public static final class PemSyntaxException extends IOException {
    private static final long serialVersionUID = 1L;

    PemSyntaxException(String message) {
      super(message);
    }
  }

  /**
   * Returns every block of {@code text} (decoded as ISO-8859-1, one char per byte), in order.
   *
   * @throws PemSyntaxException where openssl fails to read a block
   */
  public static List<PemObject> read(String text) throws PemSyntaxException {
    List<String> lines = lines(text);
    List<PemObject> blocks = new ArrayList<>();
    int i = 0;
    boolean firstOfRead = true;
    while (true) {
      String name = null;
      int beginLine = 0;
      while (i < lines.size()) {
        String line = lines.get(i++);
        if (firstOfRead) {
          firstOfRead = false;
          if (line.startsWith(BOM) && line.length() > BOM.length()) {
            line = line.substring(BOM.length());
          }
        }
        String s = stripTrailing(line);
        if (s.startsWith(BEGIN) && s.length() >= BEGIN.length() + TAIL.length()
            && s.endsWith(TAIL)) {
          name = s.substring(BEGIN.length(), s.length() - TAIL.length());
          beginLine = i;
          break;
        }
      }
      if (name == null) {
        return blocks;
      }
      int[] next = {beginLine};
      blocks.add(block(lines, name, next));
      i = next[0];
      firstOfRead = true;
    }
  }

  /**
   * Reads the block after the BEGIN line {@code cursor[0]} (1-based, so also the index of the line
   * after it); leaves in {@code cursor[0]} the index of the line after the END line.
   */
  private static PemObject block(List<String> lines, String name, int[] cursor)
      throws PemSyntaxException {
    int beginLine = cursor[0];
    // openssl first collects into the header buffer; a blank line switches to the data buffer;
    // without a blank line everything was data
    List<String> header = new ArrayList<>();
    List<String> data = new ArrayList<>();
    List<String> current = header;
    boolean maybeHeader = true;
    boolean inHeader = false;
    boolean postHeader = false;
    boolean shortLineSeen = false;
    int i = beginLine;
    while (true) {
      if (i >= lines.size()) {
        throw new PemSyntaxException(
            "line " + beginLine + ": BEGIN " + name + " has no matching END line");
      }
      String raw = lines.get(i++);
      if (maybeHeader && raw.indexOf(':') >= 0) {
        maybeHeader = false;
        inHeader = true;
      }
      String s = stripTrailing(raw);
      if (s.isEmpty()) {
        if (postHeader) {
          throw new PemSyntaxException("line " + i + ": second blank line inside " + name);
        }
        postHeader = true;
        maybeHeader = false;
        current = data;
        continue;
      }
      if (s.startsWith(END)) {
        if (!s.equals(END + name + TAIL)) {
          throw new PemSyntaxException("line " + i + ": END line does not match BEGIN " + name
              + " of line " + beginLine);
        }
        if (!postHeader && !inHeader) {
          data = header;
          header = List.of();
        }
        cursor[0] = i;
        break;
      }
      if (shortLineSeen) {
        throw new PemSyntaxException("line " + i + ": base64 line after a short line in " + name
            + " (after headers, only the last line may be shorter than 64 characters)");
      }
      current.add(s);
      if (postHeader) {
        if (s.length() > 64) {
          throw new PemSyntaxException("line " + i + ": base64 line longer than 64 characters in "
              + name + " (after headers)");
        }
        shortLineSeen = s.length() < 64;
      }
    }
    List<PemHeader> headers = headers(header, name, beginLine);
    return new PemObject(name, headers, decode(data, name, beginLine));
  }

  private static List<PemHeader> headers(List<String> lines, String name, int beginLine)
      throws PemSyntaxException {
    if (lines.isEmpty()) {
      return List.of();
    }
    if (!lines.get(0).startsWith("Proc-Type:")) {
      throw new PemSyntaxException("line " + (beginLine + 1) + ": text before the blank line in "
          + name + " is not a Proc-Type header");
    }
    List<PemHeader> headers = new ArrayList<>();
    for (String line : lines) {
      int colon = line.indexOf(':');
      if (colon < 0) {
        throw new PemSyntaxException("header of " + name + " is malformed");
      }
      headers.add(new PemHeader(line.substring(0, colon), line.substring(colon + 1).trim()));
    }
    return headers;
  }

  /** Base64 as openssl's EVP_DecodeUpdate reads it: spaces, tabs and CRs anywhere are ignored. */
  private static byte[] decode(List<String> lines, String name, int beginLine)
      throws PemSyntaxException {
    StringBuilder base64 = new StringBuilder();
    for (String line : lines) {
      for (int k = 0; k < line.length(); k++) {
        char c = line.charAt(k);
        if (c != ' ' && c != '\t' && c != '\r') {
          base64.append(c);
        }
      }
    }
    if (base64.length() == 0) {
      throw new PemSyntaxException("block " + name + " of line " + beginLine + " has no data");
    }
    if (base64.length() % 4 != 0) {
      throw new PemSyntaxException("block " + name + " of line " + beginLine
          + " is not valid base64 (its length is not a multiple of 4)");
    }
    try {
      return Base64.getDecoder().decode(base64.toString());
    } catch (IllegalArgumentException e) {
      throw new PemSyntaxException("block " + name + " of line " + beginLine
          + " is not valid base64");
    }
  }

  /**
   * A hint for text in which openssl finds no block although it looks like PEM: a BEGIN line that
   * does not start in the first column. Empty when there is nothing to say.
   */
  public static String hint(String text) {
    List<String> lines = lines(text);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      int at = line.indexOf(BEGIN);
      if (at > 0) {
        String before = line.substring(0, at);
        String what = before.isBlank() ? "is indented"
            : before.contains(BOM) ? "has a byte order mark not at the start of the file"
            : "has other characters before -----BEGIN";
        return "line " + (i + 1) + ": the BEGIN line " + what
            + "; a BEGIN or END line must start in the first column, as openssl requires";
      }
    }
    return "";
  }

  private static List<String> lines(String text) {
    List<String> lines = new ArrayList<>();
    int start = 0;
    while (start < text.length()) {
      int newline = text.indexOf('\n', start);
      if (newline < 0) {
        lines.add(text.substring(start));
        break;
      }
      lines.add(text.substring(start, newline));
      start = newline + 1;
    }
    return lines;
  }

  /**
   * Drops trailing characters openssl's {@code sanitize_line} drops: those {@code <= ' '} as a
   * signed {@code char}, so control characters, spaces and bytes from 0x80 up.
   */
  private static String stripTrailing(String line) {
    int end = line.length();
    while (end > 0 && (line.charAt(end - 1) <= ' ' || line.charAt(end - 1) >= 0x80)) {
      end--;
    }
    return line.substring(0, end);
  }
}
