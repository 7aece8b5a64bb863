/**
 * The {@code carapace} command's implementation: {@link dev.carapace.cli.internal.Cli} runs picocli over
 * {@link dev.carapace.cli.internal.CarapaceCommand}; the subcommands live in sub-packages; the output
 * layer ({@code Finding}, {@code Report}, the text, JSON, SARIF and JUnit writers) in {@code .output}.
 * Not an API: the command line and its JSON output are the contract (docs/cli.md).
 */
package dev.carapace.cli.internal;
