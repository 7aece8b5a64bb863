package dev.carapace.cluster;

import java.util.Optional;

/**
 * One task of a Swarm service as the engine reports it ({@code GET /tasks}): a replica slot, its state
 * and the container that runs it.
 *
 * @param id the task's id
 * @param slot the replica slot, from 1
 * @param state the task's current state: {@code new}, {@code pending}, {@code running}, {@code failed},
 *     {@code rejected}, {@code shutdown}...
 * @param desiredState the state Swarm wants it in: {@code running} or {@code shutdown}
 * @param message the engine's message for the state ({@code started}, {@code preparing})
 * @param error the task's own error ({@code No such image: x}, {@code task: non-zero exit (3)}), or empty
 * @param containerId the container that runs it, once created, or empty
 */
public record SwarmTask(String id, int slot, String state, String desiredState, String message, String error,
    String containerId) {
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
