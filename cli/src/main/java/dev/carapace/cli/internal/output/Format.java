package dev.carapace.cli.internal.output;

import java.util.Locale;

/** {@code --format}: how a {@link Report} is written. */
public enum Format {
  /** For people: one block per finding, then a summary line. */
  TEXT(new TextWriter()),
  /** Carapace's own JSON document (docs/cli.md lists its fields; they only ever grow). */
  JSON(new JsonWriter()),
  /** SARIF 2.1.0, for code scanning. */
  SARIF(new SarifWriter()),
  /** JUnit XML, as Surefire writes it, for CI test reports. */
  JUNIT(new JunitWriter());

  private final ReportWriter writer;

  Format(ReportWriter writer) {
    this.writer = writer;
  }

  /** The writer of this format. */
  public ReportWriter writer() {
    return writer;
  }

  /** The option's value as written on the command line: {@code text}, {@code json}, ... */
  public String optionValue() {
    return name().toLowerCase(Locale.ROOT);
  }
}
