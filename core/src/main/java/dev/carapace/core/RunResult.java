package dev.carapace.core;

import java.time.Duration;

/**
 * What a container that ran to completion left: its exit code and its output, stdout and stderr
 * apart, as {@code docker run --rm} shows them.
 *
 * @param containerId the (now removed) container's id
 * @param exitCode the main process's exit code
 * @param stdout what it wrote to standard output
 * @param stderr what it wrote to standard error
 * @param elapsed from the create request to the exit
 */
public record RunResult(String containerId, int exitCode, String stdout, String stderr, Duration elapsed) {}
