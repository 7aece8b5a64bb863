package dev.carapace.cluster;

import java.util.List;
import java.util.Optional;

/** A Compose file as {@link ComposeReader} read it: its services, in the file's order, and what was refused. */
public final class ComposeFile {
  private final String fileName;
  private final List<ComposeService> services;
  private final List<ComposeRefusal> refusals;

  ComposeFile(String fileName, List<ComposeService> services, List<ComposeRefusal> refusals) {
    this.fileName = fileName;
    this.services = List.copyOf(services);
    this.refusals = List.copyOf(refusals);
  }

  /** The file's name, as given to the reader. */
  public String fileName() {
    return fileName;
  }

  /** The services whose spec could be built, in the file's order. */
  public List<ComposeService> services() {
    return services;
  }

  /** The service called {@code name}, if it was read. */
  public Optional<ComposeService> service(String name) {
    return services.stream().filter(s -> s.name().equals(name)).findFirst();
  }

  /** Everything refused, in the file's order: empty after a strict read (which throws instead). */
  public List<ComposeRefusal> refusals() {
    return refusals;
  }
}
