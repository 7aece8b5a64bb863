package dev.carapace.core.internal.fields;

/**
 * Boolean values as the docker CLI and the engine read them (Go's {@code strconv.ParseBool}): a
 * {@code docker run} flag's {@code --read-only=false}, a mount's {@code readonly=1}, a
 * {@code no-new-privileges:true} security option. Shared by the run-line parser and the readers of
 * security options, so the grammar has one home below both.
 */
public final class GoBooleans {
  private GoBooleans() {}

  /**
   * {@code "true"} or {@code "false"} for any of Go's spellings ({@code 1 t T true TRUE True} and
   * {@code 0 f F false FALSE False}); a missing value ({@code null}, a bare flag) is true.
   *
   * @param attribute how the message names the source: {@code --read-only}, {@code --security-opt no-new-privileges}
   * @throws IllegalArgumentException {@code <attribute> must be true or false: <value>}
   */
  public static String canonical(String attribute, String value) {
    if (value == null) {
      return "true";
    }
    switch (value) {
      case "1": case "t": case "T": case "true": case "TRUE": case "True":
        return "true";
      case "0": case "f": case "F": case "false": case "FALSE": case "False":
        return "false";
      default:
        throw new IllegalArgumentException(attribute + " must be true or false: " + value);
    }
  }
}
