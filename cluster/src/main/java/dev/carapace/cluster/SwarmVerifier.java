package dev.carapace.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import dev.carapace.core.SecureContainerSpec;
import dev.carapace.core.SecurityOptions;
import dev.carapace.core.internal.fields.RecordedField;
import dev.carapace.core.internal.fields.RecordedVerifier;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks a deployed service twice, because the engine drops fields it does not know silently: the
 * service as recorded must hold every field sent, and each running task's container, as inspected,
 * must hold what the spec asked, row by row ({@link SwarmField}, reusing core's {@link RecordedField}
 * checks where the container records a field as {@code docker run} does).
 */
final class SwarmVerifier {
  /** Rows of core that no spec attribute loosens: never privileged, no binds. */
  private static final Set<RecordedField> ALWAYS = EnumSet.of(RecordedField.PRIVILEGED, RecordedField.BINDS);

  private SwarmVerifier() {}

  /**
   * Each field of {@code sent} that {@code recorded} (the service's {@code Spec} as the engine
   * recorded it) lacks or holds otherwise; a false, zero or empty value sent may be absent.
   */
  static List<String> service(JsonNode sent, JsonNode recorded) {
    List<String> out = new ArrayList<>();
    compare("Spec", sent, recorded, out);
    return out;
  }

  private static void compare(String path, JsonNode sent, JsonNode recorded, List<String> out) {
    if (recorded == null || recorded.isMissingNode() || recorded.isNull()) {
      if (!isZero(sent)) {
        out.add(path + " recorded nothing, sent " + abbreviate(sent) + " (the engine dropped it)");
      }
      return;
    }
    if (sent.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = sent.fields(); it.hasNext();) {
        Map.Entry<String, JsonNode> e = it.next();
        compare(path + "." + e.getKey(), e.getValue(), recorded.get(e.getKey()), out);
      }
    } else if (sent.isArray()) {
      if (!recorded.isArray() || recorded.size() != sent.size()) {
        out.add(path + " recorded " + abbreviate(recorded) + ", sent " + abbreviate(sent));
        return;
      }
      for (int i = 0; i < sent.size(); i++) {
        compare(path + "[" + i + "]", sent.get(i), recorded.get(i), out);
      }
    } else if (sent.isNumber() ? !recorded.isNumber() || sent.asLong() != recorded.asLong() : !sent.equals(recorded)) {
      out.add(path + " recorded " + abbreviate(recorded) + ", sent " + abbreviate(sent));
    }
  }

  private static boolean isZero(JsonNode n) {
    return n.isBoolean() && !n.asBoolean() || n.isNumber() && n.asLong() == 0 || n.isTextual() && n.asText().isEmpty()
        || n.isContainerNode() && n.isEmpty();
  }

  private static String abbreviate(JsonNode n) {
    String s = n.toString();
    return s.length() > 80 ? s.substring(0, 77) + "..." : s;
  }

  /** The manifest digest a reference pins after its {@code @}, or null for a tag, a bare name or an image id. */
  static String pinnedDigest(String image) {
    int at = image.lastIndexOf('@');
    return at >= 0 ? image.substring(at + 1) : null;
  }

  /**
   * For a spec whose image names a digest: whether the task's container runs that content. The container
   * ({@code inspect}) records the image id it runs ({@code Image}); that image ({@code image}, the engine's
   * {@code GET /images/{id}/json}) must list the digest among its {@code RepoDigests}, which the engine
   * records when it pulls or pushes that manifest, whatever repository name it was pulled under. Empty when
   * it does, or when the spec names no digest.
   */
  static List<String> image(SecureContainerSpec spec, JsonNode inspect, JsonNode image) {
    String digest = pinnedDigest(spec.image());
    if (digest == null) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    String runs = inspect.path("Image").asText("");
    String id = image == null ? "" : image.path("Id").asText("");
    if (image == null || image.isMissingNode() || !id.equals(runs)) {
      out.add("Image " + (runs.isEmpty() ? "unrecorded" : runs) + " (the image the container runs) could not be"
          + " inspected, asked " + digest);
      return out;
    }
    List<String> repoDigests = new ArrayList<>();
    for (JsonNode d : SwarmField.iterable(image.path("RepoDigests"))) {
      repoDigests.add(d.asText());
    }
    if (repoDigests.stream().noneMatch(d -> d.endsWith("@" + digest))) {
      out.add("Image " + runs + " has RepoDigests " + repoDigests + ", asked " + digest);
    }
    return out;
  }

  /**
   * For a spec whose image names a digest: whether the task, as the engine recorded it, names that image
   * ({@code Spec.ContainerSpec.Image}), so the node that runs it pulls and runs that digest; neither the
   * manager's own resolution nor a moved tag may have replaced it. Empty when it does, or when the spec
   * names no digest.
   */
  static List<String> task(SecureContainerSpec spec, SwarmTask task) {
    if (pinnedDigest(spec.image()) == null || task.image().equals(spec.image())) {
      return List.of();
    }
    return List.of("task " + task.id() + " Spec.ContainerSpec.Image recorded "
        + (task.image().isEmpty() ? "nothing" : task.image()) + ", asked " + spec.image());
  }

  /**
   * Each difference between a running task's container ({@code inspect}) and {@code spec}, for the
   * fields {@code api} carries (a loss the caller accepted is not compared); empty when all match. Env
   * values are never printed.
   */
  static List<String> container(SecureContainerSpec spec, SwarmApi api, JsonNode inspect, JsonNode service) {
    List<String> out = new ArrayList<>();
    Set<RecordedField> rows = EnumSet.copyOf(ALWAYS);
    boolean securityCarried = false;
    for (SwarmField f : SwarmField.values()) {
      if (f.lossReason(spec, api) != null) {
        continue;
      }
      if (f.reused() != null) {
        rows.add(f.reused());
      } else {
        f.verify(spec, api, inspect, service, out::add);
      }
    }
    for (RecordedVerifier.Mismatch m : RecordedVerifier.find(spec, inspect)) {
      if (m.field() == null || rows.contains(m.field())) {
        out.add(m.message());
      }
    }
    Set<String> recorded = new TreeSet<>();
    for (JsonNode o : SwarmField.iterable(inspect.path("HostConfig").path("SecurityOpt"))) {
      recorded.add(SecurityOptions.Option.parse(o.asText()).canonical());
    }
    Set<String> asked = SwarmField.askedSecurityOpts(spec, api);
    if (!recorded.equals(asked)) {
      out.add("HostConfig.SecurityOpt recorded " + recorded + ", asked " + asked);
    }
    return out;
  }
}
