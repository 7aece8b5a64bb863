/** The {@code carapace} command line: {@link dev.carapace.cli.Carapace} (docs/cli.md). */
package dev.carapace.cli;
