package dev.carapace.cluster;

import dev.carapace.cluster.ComposeYaml.Problem;
import dev.carapace.policy.SourceText;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Compose env file ({@code env_file:} of a service, or the project's {@code .env}), read as docker-compose
 * 1.29 (python-dotenv) and Compose v2 (compose-go's dotenv parser) both read it, and refused, naming the line,
 * where the two would read it differently:
 *
 * <ul>
 *   <li>blank lines and lines starting {@code #} are skipped; a line is {@code NAME=VALUE} (blanks allowed around
 *       {@code =}, an optional {@code export } before), or {@code NAME} alone (taken from the environment, else
 *       left unset); a name matches {@code [A-Za-z_][A-Za-z0-9_.-]*};
 *   <li>an unquoted value runs to the end of the line, an inline comment after a space ({@code VAL # note}) and
 *       trailing blanks cut off; a {@code '...'} value is literal ({@code \'} is a quote); a {@code "..."} value
 *       decodes {@code \\ \" \n \r \t \a \b \f \v}; quoted values may span lines;
 *   <li>in unquoted and double-quoted values, {@code ${NAME}} and {@code ${NAME:-default}} are replaced, from
 *       this file's earlier lines or the environment, where both readers find the same value; an unset variable
 *       without a default is refused (both readers would use an empty string).
 * </ul>
 *
 * <p>Refused, because the two readers disagree: {@code $NAME}, {@code $$} and other {@code $} forms outside
 * single quotes, {@code ${...}} or {@code \\} inside single quotes, {@code \'}, {@code \$} and {@code \0} inside
 * double quotes, a comment after a tab, text after a closing quote, {@code NAME: VALUE}, a name alone on a last
 * line without a newline. Bounded: at most {@link #MAX_BYTES} bytes (checked before reading) and
 * {@link #MAX_LINES} lines, UTF-8 without NUL; a message quotes names, never values.
 */
final class ComposeEnvFile {
  /** The largest env file read: 1 MiB. */
  static final int MAX_BYTES = 1024 * 1024;
  /** The most lines an env file may have. */
  static final int MAX_LINES = 10_000;

  private static final Pattern LEADING_LINE = Pattern.compile("line (\\d+), column \\d+: ");

  /** A variable of the file: its name, its value's parts (null when named alone), its line. */
  static final class Variable {
    final String name;
    final List<Object> parts;
    final int line;
    final int column;

    Variable(String name, List<Object> parts, int line, int column) {
      this.name = name;
      this.parts = parts;
      this.line = line;
      this.column = column;
    }
  }

  /** {@code ${NAME}} or {@code ${NAME:-default}} in a value: where it is written. */
  static final class Reference {
    final String name;
    final String fallback;
    final int line;
    final int column;

    Reference(String name, String fallback, int line, int column) {
      this.name = name;
      this.fallback = fallback;
      this.line = line;
      this.column = column;
    }
  }

  /** Where the readers look a variable up, besides the file's own earlier lines. */
  static final class Sources {
    /** The process environment (what the shell running Compose has). */
    final Map<String, String> process;
    /** What Compose interpolates the Compose file with: {@code .env} overlaid by the process environment. */
    final Map<String, String> project;
    /** Compose v2 only: the service's {@code environment} (resolved), then earlier env files of the service. */
    final Map<String, String> serviceV2;

    Sources(Map<String, String> process, Map<String, String> project, Map<String, String> serviceV2) {
      this.process = process;
      this.project = project;
      this.serviceV2 = serviceV2;
    }
  }

  private final String text;
  private int at;
  private int line = 1;
  private int lineStart;

  private ComposeEnvFile(String text) {
    this.text = text;
  }

  /**
   * The text of {@code file}: a regular file (a FIFO or device is refused before it is opened), at most
   * {@link #MAX_BYTES} bytes, UTF-8 without NUL.
   *
   * @throws Problem naming the line of a bad byte, or line 1 for the file as a whole
   * @throws NoSuchFileException when it does not exist
   */
  static String read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      if (!Files.exists(file)) {
        throw new NoSuchFileException(file.toString());
      }
      throw new Problem(1, 1, "env file must be a regular file: it is " + (Files.isDirectory(file) ? "a directory"
          : "not (a FIFO, a device or a socket: not read)"));
    }
    long size = Files.size(file);
    if (size > MAX_BYTES) {
      throw new Problem(1, 1, "env file must be at most " + MAX_BYTES + " bytes (1 MiB): " + size
          + " bytes, not read");
    }
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
      bytes = in.readNBytes(MAX_BYTES + 1);
    }
    if (bytes.length > MAX_BYTES) {
      throw new Problem(1, 1, "env file must be at most " + MAX_BYTES + " bytes (1 MiB): it grew while read");
    }
    try {
      return SourceText.decode(bytes);
    } catch (IllegalArgumentException e) {
      Matcher m = LEADING_LINE.matcher(e.getMessage());
      boolean located = m.lookingAt();
      throw new Problem(located ? Integer.parseInt(m.group(1)) : 1, 1, "env file " + e.getMessage().substring(
          located ? m.end() : 0));
    }
  }

  /**
   * The variables of {@code text}, in order, values as written (unresolved).
   *
   * @throws Problem at the first line the readers would read differently, or that is not a variable
   */
  static List<Variable> parse(String text) {
    return new ComposeEnvFile(text).variables();
  }

  /**
   * The file's variables resolved, in order: a name alone takes the project environment's value (null when
   * unset, and then the name is left unset, as Compose passes it).
   *
   * @param earlierFiles what earlier env files of the same service set (Compose v2 sees them, docker-compose 1.29
   *     does not: a name alone after one of them set it is refused)
   * @throws Problem where the readers would disagree, or a variable is unset without a default
   */
  static Map<String, String> resolve(List<Variable> variables, Sources sources, Map<String, String> earlierFiles) {
    Map<String, String> own = new LinkedHashMap<>();
    for (Variable v : variables) {
      if (v.parts == null) {
        String value = sources.project.get(v.name);
        if (value == null && earlierFiles.get(v.name) != null) {
          throw new Problem(v.line, v.column, "env file variable " + ComposeValues.quote(v.name) + " named alone"
              + " must be set in the environment: an earlier env file sets it, which Compose v2 keeps and"
              + " docker-compose 1.29 unsets (give its value here)");
        }
        own.put(v.name, value);
        continue;
      }
      StringBuilder out = new StringBuilder();
      for (Object part : v.parts) {
        out.append(part instanceof Reference ? lookUp((Reference) part, own, sources, earlierFiles) : part);
      }
      own.put(v.name, out.toString());
    }
    return own;
  }

  private static String lookUp(Reference r, Map<String, String> own, Sources s, Map<String, String> earlierFiles) {
    String process = s.process.get(r.name);
    String inFile = own.get(r.name);
    // docker-compose 1.29 (python-dotenv, override): this file's earlier lines, then the process environment
    String old = inFile != null ? inFile : process;
    // Compose v2: the project environment (.env and the process), the service's environment, earlier env files
    String v2 = s.project.get(r.name);
    if (v2 == null) {
      v2 = s.serviceV2.get(r.name);
    }
    if (v2 == null) {
      v2 = inFile != null ? inFile : earlierFiles.get(r.name);
    }
    if (old == null && r.fallback != null) {
      old = r.fallback;
    }
    if (v2 == null && r.fallback != null) {
      v2 = r.fallback;
    }
    if (old == null && v2 == null) {
      throw new Problem(r.line, r.column, "variable " + r.name + " must be set: it is not (docker-compose would"
          + " use an empty string; set it in the environment or an earlier line, or write ${" + r.name
          + ":-default})");
    }
    if (old == null || !old.equals(v2) || old.isEmpty() && r.fallback != null && !r.fallback.isEmpty()) {
      throw new Problem(r.line, r.column, "variable " + r.name + " must mean one thing: docker-compose 1.29 and"
          + " Compose v2 take it from different places here (this file's earlier lines, the process"
          + " environment, .env, the service's environment); write the value itself");
    }
    return old;
  }

  /**
   * The file {@code written} names, resolved against {@code base} (the Compose file's folder, absolute): its real
   * path, or null when there is no such file.
   *
   * @throws IllegalArgumentException (a refusal) when it lies outside {@code base}, as written or through a link
   */
  static Path locate(Path base, String written) throws IOException {
    Path p = base.resolve(written).normalize();
    if (!p.startsWith(base)) {
      throw new IllegalArgumentException("refused: Carapace reads env files only inside the Compose file's folder: "
          + ComposeValues.quote(written) + " is outside it (copy the variables into environment, or the file into"
          + " the folder)");
    }
    if (!Files.exists(p)) {
      return null;
    }
    Path real = p.toRealPath();
    if (!real.startsWith(base.toRealPath())) {
      throw new IllegalArgumentException("refused: Carapace reads env files only inside the Compose file's folder: "
          + ComposeValues.quote(written) + " links outside it");
    }
    return real;
  }

  /** How messages name the env file {@code written} of the Compose file {@code composeFile}: beside it. */
  static String shownName(String composeFile, String written) {
    Path w = Path.of(written);
    if (w.isAbsolute()) {
      return written;
    }
    Path parent = Path.of(composeFile).getParent();
    return (parent == null ? w : parent.resolve(w)).normalize().toString();
  }

  // ------------------------------------------------------------------ the scanner

  private List<Variable> variables() {
    List<Variable> out = new ArrayList<>();
    while (at < text.length()) {
      skipBlanks();
      if (at >= text.length()) {
        break;
      }
      char c = text.charAt(at);
      if (c == '\n' || c == '\r') {
        newline();
        continue;
      }
      if (c == '#') {
        skipToEndOfLine();
        continue;
      }
      out.add(variable());
    }
    return out;
  }

  private Variable variable() {
    if (text.startsWith("export", at) && at + 6 < text.length() && (text.charAt(at + 6) == ' '
        || text.charAt(at + 6) == '\t')) {
      at += 6;
      skipBlanks();
    }
    int nameLine = line;
    int nameColumn = column();
    int start = at;
    while (at < text.length() && nameChar(text.charAt(at), at == start)) {
      at++;
    }
    String name = text.substring(start, at);
    if (name.isEmpty()) {
      throw problem("env file line must be NAME=VALUE, NAME alone, a comment or blank: a name must match"
          + " [A-Za-z_][A-Za-z0-9_.-]*, and " + ComposeValues.quote(String.valueOf(text.charAt(at)))
          + " cannot start one");
    }
    skipBlanks();
    if (at >= text.length()) {
      throw new Problem(nameLine, nameColumn, "env file variable " + ComposeValues.quote(name) + " named alone on"
          + " the last line must end with a newline (Compose v2 reads it otherwise)");
    }
    char c = text.charAt(at);
    if (c == '\n' || c == '\r' && next() == '\n') {
      if (name.equals("export")) {
        throw new Problem(nameLine, nameColumn, "env file line must not be export alone (Compose v2 reads the"
            + " next line's name after it)");
      }
      endOfLine();
      return new Variable(name, null, nameLine, nameColumn);
    }
    if (c != '=') {
      throw problem("env file line must be NAME=VALUE or NAME alone: " + ComposeValues.quote(String.valueOf(c))
          + " after the name " + ComposeValues.quote(name) + (c == ':' ? " (NAME: VALUE is Compose v2's only)"
          : c == '#' ? " (a comment after a name alone: Compose v2 refuses it)" : ""));
    }
    at++;
    skipBlanks();
    List<Object> parts;
    if (at < text.length() && text.charAt(at) == '\'') {
      parts = List.of(quoted('\''));
      afterQuote();
    } else if (at < text.length() && text.charAt(at) == '"') {
      int valueLine = line;
      int valueColumn = column();
      parts = references(quoted('"'), valueLine, valueColumn);
      afterQuote();
    } else {
      int valueColumn = column();
      int end = at;
      while (end < text.length() && text.charAt(end) != '\n' && text.charAt(end) != '\r') {
        end++;
      }
      String raw = text.substring(at, end);
      at = end;
      String value = unquoted(raw, valueColumn);
      parts = references(value, line, valueColumn);
      endOfLine();
    }
    return new Variable(name, parts, nameLine, nameColumn);
  }

  /** An unquoted value: an inline comment and trailing blanks cut, as both readers cut them, or refused. */
  private String unquoted(String raw, int valueColumn) {
    int python = -1; // python-dotenv: whitespace then '#'
    for (int i = 1; i < raw.length(); i++) {
      if (raw.charAt(i) == '#' && whitespace(raw.charAt(i - 1))) {
        python = i;
        break;
      }
    }
    int go = raw.indexOf(" #"); // compose-go: a space then '#'
    String old = stripTrailing(python < 0 ? raw : raw.substring(0, python));
    String v2 = stripTrailing(go < 0 ? raw : raw.substring(0, go));
    if (!old.equals(v2)) {
      throw new Problem(line, valueColumn, "env file inline comment must follow a space: docker-compose 1.29 also"
          + " ends the value at a '#' after a tab or other blank, Compose v2 does not");
    }
    return old;
  }

  /**
   * A quoted value: {@code '...'} literal but for {@code \'}; {@code "..."} with its escapes decoded. Either may
   * span lines.
   */
  private String quoted(char quote) {
    int openLine = line;
    int openColumn = column();
    at++;
    StringBuilder v = new StringBuilder();
    while (at < text.length()) {
      char c = text.charAt(at);
      if (c == quote) {
        at++;
        if (quote == '\'' && v.indexOf("${") >= 0) {
          throw new Problem(openLine, openColumn, "env file single-quoted value must not hold ${: docker-compose"
              + " 1.29 replaces it, Compose v2 keeps it (write the value outside quotes or in double quotes)");
        }
        return v.toString();
      }
      String decoded = c == '\\' && at + 1 < text.length() ? escape(quote, text.charAt(at + 1)) : null;
      if (decoded != null) {
        v.append(decoded);
        at += 2;
        continue;
      }
      take(v, c);
    }
    throw new Problem(openLine, openColumn, "env file value must close its quote: " + quote + " opened here is not"
        + " closed");
  }

  /** What {@code \e} stands for inside {@code quote}s; null to keep the backslash as written. */
  private String escape(char quote, char e) {
    if (quote == '\'') {
      if (e == '\\') {
        throw problem("env file single-quoted value must not hold \\\\: docker-compose 1.29 reads one backslash,"
            + " Compose v2 two");
      }
      return e == '\'' ? "'" : null;
    }
    return switch (e) {
      case '\\' -> "\\";
      case '"' -> "\"";
      case 'n' -> "\n";
      case 'r' -> "\r";
      case 't' -> "\t";
      case 'a' -> "\u0007";
      case 'b' -> "\b";
      case 'f' -> "\f";
      case 'v' -> "\u000b";
      case '\'', '$', '0' -> throw problem("env file double-quoted value must not hold \\" + e
          + ": docker-compose 1.29 and Compose v2 decode it differently");
      default -> null;
    };
  }

  /** One character of a quoted value, a newline counted. */
  private void take(StringBuilder v, char c) {
    if (c == '\r') {
      throw problem("env file must not hold a carriage return inside a quoted value");
    }
    v.append(c);
    at++;
    if (c == '\n') {
      line++;
      lineStart = at;
      checkLines();
    }
  }

  /** After a closing quote: blanks, an optional comment, the end of the line. */
  private void afterQuote() {
    skipBlanks();
    if (at < text.length() && text.charAt(at) == '#') {
      skipToEndOfLine();
      return;
    }
    if (at < text.length() && text.charAt(at) != '\n' && !(text.charAt(at) == '\r' && next() == '\n')) {
      throw problem("env file line must end after the closing quote (or hold a # comment): "
          + ComposeValues.quote(String.valueOf(text.charAt(at))) + " follows it");
    }
    endOfLine();
  }

  /** A value's {@code ${NAME}} and {@code ${NAME:-default}}; any other {@code $} refused. */
  private List<Object> references(String value, int valueLine, int valueColumn) {
    List<Object> parts = new ArrayList<>();
    int last = 0;
    int i = value.indexOf('$');
    while (i >= 0) {
      int close = value.indexOf('}', i);
      String inside = close < 0 || i + 1 >= value.length() || value.charAt(i + 1) != '{' ? null
          : value.substring(i + 2, close);
      int sep = inside == null ? -1 : inside.indexOf(":-");
      String name = inside == null ? null : sep < 0 ? inside : inside.substring(0, sep);
      String fallback = sep < 0 ? null : inside.substring(sep + 2);
      if (name == null || !name.matches("[A-Za-z_][A-Za-z0-9_]*") || fallback != null && fallback.contains("$")) {
        throw new Problem(valueLine, valueColumn, "env file value must write $ only as ${NAME} or ${NAME:-default}"
            + " (docker-compose 1.29 and Compose v2 read $NAME, $$, and other forms differently; single-quote a"
            + " literal $)");
      }
      parts.add(value.substring(last, i));
      parts.add(new Reference(name, fallback, valueLine, valueColumn));
      last = close + 1;
      i = value.indexOf('$', last);
    }
    parts.add(value.substring(last));
    return parts;
  }

  private void endOfLine() {
    if (at < text.length() && text.charAt(at) == '\r') {
      if (next() != '\n') {
        throw problem("env file must not hold a carriage return except before a newline");
      }
      at++;
    }
    if (at < text.length()) {
      if (text.charAt(at) != '\n') {
        throw problem("env file must not hold a carriage return except before a newline");
      }
      newline();
    }
  }

  private void newline() {
    if (text.charAt(at) == '\r') {
      if (next() != '\n') {
        throw problem("env file must not hold a carriage return except before a newline");
      }
      at++;
    }
    at++;
    line++;
    lineStart = at;
    checkLines();
  }

  private void checkLines() {
    if (line > MAX_LINES) {
      throw new Problem(line, 1, "env file must have at most " + MAX_LINES + " lines: more, not read further");
    }
  }

  private void skipToEndOfLine() {
    while (at < text.length() && text.charAt(at) != '\n') {
      at++;
    }
    if (at < text.length()) {
      newline();
    }
  }

  private void skipBlanks() {
    while (at < text.length() && blank(text.charAt(at))) {
      at++;
    }
  }

  private char next() {
    return at + 1 < text.length() ? text.charAt(at + 1) : 0;
  }

  private int column() {
    return at - lineStart + 1;
  }

  private Problem problem(String message) {
    return new Problem(line, column(), message);
  }

  private static boolean blank(char c) {
    return c == ' ' || c == '\t' || c == '\f' || c == '\u000b';
  }

  /** Whitespace as Python's {@code \s} and Go's {@code unicode.IsSpace} both take it. */
  private static boolean whitespace(char c) {
    return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == '\u0085';
  }

  private static String stripTrailing(String s) {
    int end = s.length();
    while (end > 0 && whitespace(s.charAt(end - 1))) {
      end--;
    }
    return s.substring(0, end);
  }

  private static boolean nameChar(char c, boolean first) {
    return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c == '_'
        || !first && (c >= '0' && c <= '9' || c == '.' || c == '-');
  }
}
