package dev.carapace.cli.internal;

import dev.carapace.cluster.ComposeFile;
import dev.carapace.cluster.ComposeReader;
import dev.carapace.cluster.ComposeService;
import dev.carapace.cluster.InvalidComposeException;
import dev.carapace.policy.SourceText;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A file (or stdin) read for {@code lint} and {@code harden}, bounded: at most {@link #MAX_BYTES}, refused
 * before reading when the file says it is larger; UTF-8 text without NUL bytes (the library's check,
 * {@link SourceText#decode(byte[])}); and what it is, a
 * Kubernetes manifest, a Compose file or a file of {@code docker run} lines, told from its content.
 *
 * @param name the file as given on the command line ({@code -} for stdin), as messages name it
 * @param text the content
 * @param kind what it is
 */
public record InputText(String name, String text, Kind kind) {
  /** The largest input, as the library's readers bound a manifest, a Compose file or a run-line file. */
  public static final int MAX_BYTES = 16 * 1024 * 1024;

  /** What an input is. */
  public enum Kind {
    /** A Kubernetes manifest: documents with {@code apiVersion} and {@code kind}. */
    KUBERNETES("kubernetes"),
    /** A Compose file: a top-level {@code services} key. */
    COMPOSE("compose"),
    /** Lines starting {@code docker run}, continuations and comments allowed. */
    RUN("run");

    private final String option;

    Kind(String option) {
      this.option = option;
    }

    /** As {@code --kind} spells it. */
    public String option() {
      return option;
    }
  }

  private static final Pattern LEADING_LINE = Pattern.compile("line (\\d+), column \\d+: ");
  private static final Pattern COMPOSE_KEY = Pattern.compile("(?m)^services[ \\t]*:");
  private static final Pattern KUBERNETES_KEY = Pattern.compile("(?m)^(apiVersion|kind)[ \\t]*:");

  /**
   * Reads {@code name} ({@code -} for {@code stdin}) and tells what it is, unless {@code kind} is given.
   *
   * @throws InputException naming the file (and line) when it cannot be read, is too large, binary, not
   *     UTF-8, or none of the kinds
   */
  public static InputText read(String name, InputStream stdin, Kind kind) {
    byte[] bytes;
    try {
      if (name.equals("-")) {
        bytes = stdin.readNBytes(MAX_BYTES + 1);
      } else {
        Path p = Path.of(name);
        if (Files.isDirectory(p)) {
          throw InputException.inFile(name, null, "is a directory, not a file", null);
        }
        long size = Files.size(p);
        if (size > MAX_BYTES) {
          throw InputException.inFile(name, null, "must be at most " + MAX_BYTES + " bytes (16 MiB): " + size
              + " bytes, refused before reading", null);
        }
        try (InputStream in = Files.newInputStream(p)) {
          bytes = in.readNBytes(MAX_BYTES + 1);
        }
      }
    } catch (NoSuchFileException e) {
      throw InputException.inFile(name, null, "no such file", e);
    } catch (IOException | java.nio.file.InvalidPathException e) {
      throw InputException.inFile(name, null, "cannot be read: " + e.getMessage(), e);
    }
    if (bytes.length > MAX_BYTES) {
      throw InputException.inFile(name, null, "must be at most " + MAX_BYTES + " bytes (16 MiB): more, refused at"
          + " the limit", null);
    }
    String text;
    try {
      text = SourceText.decode(bytes); // the library's check: UTF-8, no NUL byte
    } catch (IllegalArgumentException e) {
      Matcher at = LEADING_LINE.matcher(e.getMessage());
      boolean located = at.lookingAt();
      throw InputException.inFile(name, located ? Integer.valueOf(at.group(1)) : null,
          located ? e.getMessage().substring(at.end()) : e.getMessage(), e);
    }
    return new InputText(name, text, kind != null ? kind : detect(name, text));
  }

  /** The input's name as messages and locations show it: {@code <stdin>} for {@code -}. */
  public String shownName() {
    return name.equals("-") ? "<stdin>" : name;
  }

  /**
   * The input read as a Compose file, leniently (refused fields skipped and listed), relative paths (bind
   * sources, seccomp profiles, {@code env_file}) against its folder (the working folder for stdin), variables
   * interpolated as Compose does: from {@code environment} (the command's own), then the {@code .env} file in
   * that folder.
   *
   * @throws InputException naming the file (or the env file) and line when it is not a Compose file it can read
   */
  public ComposeFile composeFile(Map<String, String> environment) {
    Path base = name.equals("-") ? Path.of("").toAbsolutePath() : Path.of(name).toAbsolutePath().getParent();
    try {
      return ComposeReader.lenient().environment(environment).dotEnv(true).read(shownName(), text, base);
    } catch (InvalidComposeException e) {
      throw InputException.of(Cli.oneLine(e.getMessage()), e);
    } catch (IllegalArgumentException e) {
      throw InputException.inFile(shownName(), null, Cli.oneLine(e.getMessage()), e);
    }
  }

  /**
   * The service {@code service} of {@code file} (this input read as a Compose file), or its only service when
   * {@code service} is null.
   *
   * @throws InputException naming this input when it has no such service, or several and none is named
   */
  public ComposeService composeService(ComposeFile file, String service) {
    if (service != null) {
      return file.service(service).orElseThrow(() -> InputException.inFile(shownName(), null, "--service must name a"
          + " service of the file: '" + Cli.oneLine(service) + "' is not one of " + file.services().stream()
          .map(ComposeService::name).toList(), null));
    }
    if (file.services().size() != 1) {
      throw InputException.inFile(shownName(), null, "holds " + file.services().size() + " services that can be"
          + " read: name one with --service (" + String.join(", ", file.services().stream().map(ComposeService::name)
          .toList()) + ")", null);
    }
    return file.services().get(0);
  }

  /** What {@code text} is, from its content. */
  static Kind detect(String name, String text) {
    String first = firstMeaningfulLine(text);
    if (first.startsWith("docker ") || first.startsWith("$ docker ") || first.matches("\\S*/docker .*")) {
      return Kind.RUN;
    }
    boolean compose = COMPOSE_KEY.matcher(text).find();
    boolean kubernetes = KUBERNETES_KEY.matcher(text).find();
    if (compose && !kubernetes) {
      return Kind.COMPOSE;
    }
    if (kubernetes) {
      return Kind.KUBERNETES;
    }
    int line = 1;
    for (String l : text.split("\n", -1)) {
      if (!l.isBlank() && !l.strip().startsWith("#")) {
        break;
      }
      line++;
    }
    throw InputException.inFile(name, text.isBlank() ? null : line, text.isBlank() ? "is empty: nothing to judge"
        : "must be a Kubernetes manifest (apiVersion, kind), a Compose file (services) or a file of docker run"
        + " lines: it starts " + show(first) + " (say which with --kind)", null);
  }

  private static String firstMeaningfulLine(String text) {
    for (String l : text.split("\n", 200)) {
      String s = l.strip();
      if (s.isEmpty() || s.startsWith("#") || s.equals("---") || s.startsWith("%")) {
        continue;
      }
      return s;
    }
    return "";
  }

  /** A piece of input as messages quote it: 40 characters at most, control characters escaped. */
  static String show(String s) {
    StringBuilder sb = new StringBuilder("'");
    s.codePoints().limit(40).forEach(cp -> {
      if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0)) {
        sb.append(String.format("\\x%02x", cp));
      } else {
        sb.appendCodePoint(cp);
      }
    });
    sb.append(s.codePointCount(0, s.length()) > 40 ? "...'" : "'");
    return sb.toString();
  }
}
