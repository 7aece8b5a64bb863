package dev.carapace.cluster;

import java.util.Optional;

/**
 * One task of a Swarm service as the engine reports it ({@code GET /tasks}): a replica slot, its state
 * and the container that runs it.
 */
public final class SwarmTask {
  private final String id;
  private final int slot;
  private final String state;
  private final String desiredState;
  private final String message;
  private final String error;
  private final String containerId;
  private final String image;

  SwarmTask(String id, int slot, String state, String desiredState, String message, String error,
      String containerId, String image) {
    this.id = id;
    this.slot = slot;
    this.state = state;
    this.desiredState = desiredState;
    this.message = message;
    this.error = error;
    this.containerId = containerId;
    this.image = image;
  }

  /** The task's id. */
  public String id() {
    return id;
  }

  /** The replica slot, from 1. */
  public int slot() {
    return slot;
  }

  /**
   * The task's current state: {@code new}, {@code pending}, {@code running}, {@code failed}, {@code
   * rejected}, {@code shutdown}...
   */
  public String state() {
    return state;
  }

  /** The state Swarm wants it in: {@code running} or {@code shutdown}. */
  public String desiredState() {
    return desiredState;
  }

  /** The engine's message for the state ({@code started}, {@code preparing}). */
  public String message() {
    return message;
  }

  /** The task's own error ({@code No such image: x}, {@code task: non-zero exit (3)}), or empty. */
  public String error() {
    return error;
  }

  /** The container that runs it, once created, or empty. */
  public String containerId() {
    return containerId;
  }

  /**
   * The image the task runs, as the engine recorded it in the task's own spec
   * ({@code Spec.ContainerSpec.Image}): {@code repository@sha256:...} for a service deployed by digest,
   * which every task of the service keeps, whatever its tag points to later.
   */
  public String image() {
    return image;
  }

  @Override
  public boolean equals(Object o) {
    if (o == this) {
      return true;
    }
    if (!(o instanceof SwarmTask)) {
      return false;
    }
    SwarmTask that = (SwarmTask) o;
    return java.util.Objects.equals(id, that.id) && slot == that.slot
        && java.util.Objects.equals(state, that.state)
        && java.util.Objects.equals(desiredState, that.desiredState)
        && java.util.Objects.equals(message, that.message) && java.util.Objects.equals(error, that.error)
        && java.util.Objects.equals(containerId, that.containerId) && java.util.Objects.equals(image, that.image);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(id, slot, state, desiredState, message, error, containerId, image);
  }

  /** {@code SwarmTask[id=..., slot=..., ...]}, as a record shows itself. */
  @Override
  public String toString() {
    return "SwarmTask[id=" + id + ", slot=" + slot + ", state=" + state + ", desiredState=" + desiredState
        + ", message=" + message + ", error=" + error + ", containerId=" + containerId + ", image=" + image + "]";
  }

  /** Whether it runs and Swarm wants it to. */
  public boolean running() {
    return state.equals("running") && desiredState.equals("running");
  }

  /** Whether it ended without Swarm asking it to ({@code failed}, {@code rejected}). */
  public boolean failed() {
    return state.equals("failed") || state.equals("rejected");
  }

  /** The container's id, once one was created. */
  public Optional<String> container() {
    return containerId.isEmpty() ? Optional.empty() : Optional.of(containerId);
  }
}
