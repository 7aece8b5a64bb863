package dev.carapace.core.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Splits a command line into words the way a POSIX shell does for one simple command, and quotes
 * words back so that a shell (and {@link #split}) reads them unchanged.
 *
 * <p>Handled: blanks between words, {@code '...'} (literal), {@code "..."} (where a backslash escapes
 * {@code $ ` " \} and a newline), a backslash outside quotes, backslash-newline continuations, and
 * {@code #} comments at the start of a word. Nothing is expanded: {@code $HOME}, {@code ~} and
 * {@code *} stay as written. Unquoted operators ({@code ; & | < > ( ) `}) are refused, since they
 * would make more than one command.
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
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    boolean inWord = false;
    int n = line.length();
    int i = 0;
    while (i < n) {
      char c = line.charAt(i);
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        if (inWord) {
          words.add(word.toString());
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
      words.add(word.toString());
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
      word.append(c);
      i++;
    }
    throw new IllegalArgumentException(
        "command line quote must be closed: \" opened at offset " + open + " is not");
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
