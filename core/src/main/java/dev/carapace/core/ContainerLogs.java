package dev.carapace.core;

/**
 * A container's output so far ({@code docker logs}), streams apart. Empty when the log driver keeps
 * nothing readable (none, syslog, journald on engines without dual logging). Each stream keeps at most
 * a limit (1 MiB by default, {@link RunningContainer#logs(MemorySize)}); the rest was read and dropped,
 * which the {@code *Truncated} flags say.
 *
 * @param stdout standard output
 * @param stderr standard error
 * @param stdoutTruncated whether stdout went beyond the limit and was cut
 * @param stderrTruncated whether stderr went beyond the limit and was cut
 */
public record ContainerLogs(String stdout, String stderr, boolean stdoutTruncated, boolean stderrTruncated) {}
