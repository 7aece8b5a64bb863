package dev.carapace.core;

import java.time.Duration;

/**
 * What a container that ran to completion left: its exit code and its output, stdout and stderr
 * apart, as {@code docker run --rm} shows them. Each stream keeps at most 1 MiB; the rest was read and
 * dropped, which the {@code *Truncated} flags say.
 *
 * @param containerId the (now removed) container's id
 * @param exitCode the main process's exit code
 * @param stdout what it wrote to standard output
 * @param stderr what it wrote to standard error
 * @param elapsed from the create request to the exit
 * @param stdoutTruncated whether stdout went beyond 1 MiB and was cut
 * @param stderrTruncated whether stderr went beyond 1 MiB and was cut
 */
public record RunResult(String containerId, int exitCode, String stdout, String stderr, Duration elapsed,
    boolean stdoutTruncated, boolean stderrTruncated) {}
