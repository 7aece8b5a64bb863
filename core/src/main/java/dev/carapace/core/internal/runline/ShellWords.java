package dev.carapace.core.internal.runline;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Splits a command line into words the way a POSIX shell does for one simple command, and quotes
 * words back so that a shell (and {@link #split}) reads them unchanged.
 *
 * <p>Handled: blanks between words, {@code '...'} (literal), {@code "..."} (where a backslash escapes
 * {@code $ ` " \} and a newline), a backslash outside quotes, backslash-newline continuations, and
 * {@code #} comments at the start of a word. Nothing is expanded, so what a shell would expand is
 * refused with that reason: {@code $HOME}, {@code ${HOME}}, {@code $(...)} outside single quotes and a
 * word-initial {@code ~} ({@code *} stays as written). Unquoted operators ({@code ; & | < > ( ) `}) are
 * refused, since they would make more than one command, and so are blanks other than space, tab and
 * newline (a non-breaking space pasted from a document), named by code point.
 */
public final class ShellWords {
  private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");
  private static final String OPERATORS = ";&|<>()`";

  private ShellWords() {}

  /**
   * The words of {@code line}.
   *
   * @throws IllegalArgumentException on an unterminated quote, a final lone backslash or an
   *     unquoted shell operator
   */
  public static List<String> split(String line) {
    List<String> out = new ArrayList<>();
    for (Word w : words(line)) {
      out.add(w.text());
    }
    return out;
  }

  /** One word of a line and the offset in the line of its first character (a quote, if it starts with one). */
  public record Word(String text, int offset) {}

  /**
   * The words of {@code line}, each with where it starts, split as {@link #split} splits them.
   *
   * @throws IllegalArgumentException as {@link #split}
   */
  public static List<Word> words(String line) {
    List<Word> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    boolean inWord = false;
    int start = 0;
    int n = line.length();
    int i = 0;
    while (i < n) {
      char c = line.charAt(i);
      if (!inWord && c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '#') {
        start = i; // where a word would begin; a continuation keeps the word going
      }
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        if (inWord) {
          words.add(new Word(word.toString(), start));
          word.setLength(0);
          inWord = false;
        }
        i++;
      } else if (c == '#' && !inWord) {
        while (i < n && line.charAt(i) != '\n') {
          i++;
        }
      } else if (c == '\'') {
        int end = line.indexOf('\'', i + 1);
        if (end < 0) {
          throw new IllegalArgumentException(
              "command line quote must be closed: ' opened at offset " + i + " is not");
        }
        word.append(line, i + 1, end);
        inWord = true;
        i = end + 1;
      } else if (c == '"') {
        i = readDoubleQuoted(line, i, word);
        inWord = true;
      } else if (c == '\\') {
        if (i + 1 >= n) {
          throw new IllegalArgumentException(
              "command line must not end with a lone backslash: offset " + i);
        }
        char next = line.charAt(i + 1);
        if (next == '\n') {
          i += 2;
        } else if (next == '\r' && i + 2 < n && line.charAt(i + 2) == '\n') {
          i += 3;
        } else {
          word.append(next);
          inWord = true;
          i += 2;
        }
      } else if (c == '$' || c == '~' && !inWord) {
        refuseExpansion(line, i);
        word.append(c);
        inWord = true;
        i++;
      } else if (c != ' ' && Character.isSpaceChar(c) || c == '\u200b' || c == '\ufeff') {
        throw new IllegalArgumentException("command line must separate words with plain spaces: "
            + String.format("U+%04X", (int) c) + (c == '\u00a0' ? " (a non-breaking space)" : " (a Unicode blank)")
            + " at offset " + i + " (retype it as a space, or quote the word if it belongs to a value)");
      } else if (OPERATORS.indexOf(c) >= 0) {
        throw new IllegalArgumentException("command line must be a single command without shell operators: "
            + c + " at offset " + i + " (quote it, or pass the words as a list)");
      } else {
        word.append(c);
        inWord = true;
        i++;
      }
    }
    if (inWord) {
      words.add(new Word(word.toString(), start));
    }
    return words;
  }

  private static int readDoubleQuoted(String line, int open, StringBuilder word) {
    int n = line.length();
    int i = open + 1;
    while (i < n) {
      char c = line.charAt(i);
      if (c == '"') {
        return i + 1;
      }
      if (c == '\\' && i + 1 < n) {
        char next = line.charAt(i + 1);
        if (next == '\n') {
          i += 2;
          continue;
        }
        if (next == '$' || next == '`' || next == '"' || next == '\\') {
          word.append(next);
          i += 2;
          continue;
        }
      }
      if (c == '$') {
        refuseExpansion(line, i);
      }
      word.append(c);
      i++;
    }
    throw new IllegalArgumentException(
        "command line quote must be closed: \" opened at offset " + open + " is not");
  }

  /**
   * Refuses {@code $NAME}, {@code ${...}}, {@code $(...)} and a word-initial {@code ~} (at {@code at}): a
   * shell would expand them before {@code docker run} saw the line, and Carapace runs no shell.
   */
  private static void refuseExpansion(String line, int at) {
    char c = line.charAt(at);
    char next = at + 1 < line.length() ? line.charAt(at + 1) : ' ';
    boolean expands = c == '~' ? next == '/' || next == ':' || next == ' ' || next == '\t' || at + 1 == line.length()
        || Character.isLetter(next) : next == '{' || next == '(' || next == '_' || next < 0x80 && Character.isLetter(next);
    if (!expands) {
      return;
    }
    int end = at + 1;
    if (c == '$' && (next == '{' || next == '(')) {
      int close = line.indexOf(next == '{' ? '}' : ')', at);
      end = close < 0 ? line.length() : close + 1;
    } else {
      while (end < line.length() && (Character.isLetterOrDigit(line.charAt(end)) || line.charAt(end) == '_'
          || c == '~' && line.charAt(end) != ' ' && line.charAt(end) != ':' && line.charAt(end) != '/')) {
        end++;
      }
    }
    throw new IllegalArgumentException("command line must not need shell expansion: " + line.substring(at, end)
        + " at offset " + at + " (the line is not expanded by a shell: pass the value itself,"
        + " or single-quote it to mean it literally)");
  }

  /** {@code word} as a shell reads it back: bare when safe, else in single quotes. */
  public static String quote(String word) {
    if (SAFE.matcher(word).matches()) {
      return word;
    }
    return "'" + word.replace("'", "'\\''") + "'";
  }

  /** The words quoted and joined by single spaces. */
  public static String join(List<String> words) {
    StringBuilder sb = new StringBuilder();
    for (String w : words) {
      if (sb.length() > 0) {
        sb.append(' ');
      }
      sb.append(quote(w));
    }
    return sb.toString();
  }
}
