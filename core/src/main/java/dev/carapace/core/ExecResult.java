package dev.carapace.core;

import java.time.Duration;

/**
 * What a command run by {@link RunningContainer#exec} left: its exit code and its output, stdout and
 * stderr apart, as {@code docker exec} shows them. Each stream keeps at most
 * {@link ExecSpec#outputLimit()} bytes (1 MiB by default); the rest was read and dropped, which the
 * {@code *Truncated} flags say.
 *
 * @param exitCode the command's exit code (126 or 127 when the engine could not run it)
 * @param stdout what it wrote to standard output, decoded as UTF-8
 * @param stderr what it wrote to standard error, decoded as UTF-8
 * @param elapsed from the exec's create request to its exit code
 * @param stdoutTruncated whether stdout went beyond the limit and was cut
 * @param stderrTruncated whether stderr went beyond the limit and was cut
 */
public record ExecResult(int exitCode, String stdout, String stderr, Duration elapsed,
    boolean stdoutTruncated, boolean stderrTruncated) {}
