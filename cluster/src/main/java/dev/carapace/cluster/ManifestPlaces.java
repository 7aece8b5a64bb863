package dev.carapace.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import dev.carapace.policy.SourceLocation;
import dev.carapace.policy.Violation;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Places a violation of a manifest's container on the YAML node it is about: the field's key when the
 * manifest sets the field, else the deepest part of its path the manifest has (at worst the container's
 * item). Paths are lists of steps: a {@code String} key or an {@code Integer} index.
 */
final class ManifestPlaces {
  private static final Pattern STEP = Pattern.compile("([^.\\[\\]]+)((?:\\[\\d+])*)");
  private static final Pattern INDEX = Pattern.compile("\\[(\\d+)]");
  private static final Pattern NUMBER = Pattern.compile("\\d+");

  private ManifestPlaces() {}

  /**
   * Where {@code v}, found in the container at {@code x.containerPath()} of the document whose root is
   * {@code root}, is.
   */
  static SourceLocation locate(Node root, PodSecurity.Facts x, Violation v) {
    List<Object> pod = steps(x.podPath());
    List<Object> ctr = steps(x.containerPath());
    List<Object> meta = new ArrayList<>(pod.subList(0, pod.size() - 1));
    meta.add("metadata");
    List<List<Object>> candidates = candidates(x, v, pod, ctr, meta);
    for (List<Object> c : candidates) {
      Found f = walk(root, c);
      if (f.depth == c.size()) {
        return at(f.mark, c);
      }
    }
    List<Object> wanted = candidates.get(0);
    Found f = walk(root, wanted);
    return at(f.mark, wanted);
  }

  private static SourceLocation at(Mark mark, List<Object> path) {
    return SourceLocation.of(mark.getLine() + 1, mark.getColumn() + 1, text(path));
  }

  /** The paths {@code v} may be about, the likeliest first. */
  private static List<List<Object>> candidates(PodSecurity.Facts x, Violation v, List<Object> pod, List<Object> ctr,
      List<Object> meta) {
    String a = v.attribute();
    String value = v.value();
    List<List<Object>> out = new ArrayList<>();
    Matcher annotation = Pattern.compile("^metadata\\.annotations\\[(.*)]$").matcher(a);
    if (annotation.matches()) {
      out.add(join(meta, "annotations", annotation.group(1)));
    } else if (a.startsWith("spec.volumes[")) {
      String name = a.substring("spec.volumes[".length(), a.indexOf(']'));
      int i = indexWhere(x.spec().path("volumes"), "name", name);
      List<Object> vol = join(pod, "volumes", i < 0 ? 0 : i);
      out.add(join(vol, steps(a.substring(a.indexOf(']') + 1))));
    } else if (a.startsWith("spec.")) {
      if (a.equals("spec.securityContext.sysctls")) {
        int i = indexWhere(x.spec().path("securityContext").path("sysctls"), "name", value.split("=", 2)[0]);
        if (i >= 0) {
          out.add(join(pod, "securityContext", "sysctls", i));
        }
      }
      out.add(join(pod, steps(a.substring("spec.".length()))));
    } else if (a.startsWith("securityContext.") || a.startsWith("lifecycle.") || a.endsWith(".host")) {
      if (a.equals("securityContext.capabilities.add") || a.equals("securityContext.capabilities.drop")) {
        int i = indexOfText(x.container().path("securityContext").path("capabilities")
            .path(a.endsWith("add") ? "add" : "drop"), value);
        if (i >= 0) {
          out.add(join(ctr, steps(a), i));
        }
      }
      out.add(join(ctr, steps(a)));
    } else if (a.startsWith("ports[")) {
      Matcher n = NUMBER.matcher(a);
      int i = n.find() ? indexWhere(x.container().path("ports"), "containerPort", n.group()) : -1;
      out.add(i < 0 ? join(ctr, "ports") : join(ctr, "ports", i, a.endsWith(".hostPort") ? "hostPort" : "hostIP"));
      if (i >= 0) {
        out.add(join(ctr, "ports", i, "hostPort"));
        out.add(join(ctr, "ports", i));
      }
    } else if (a.equals("user")) {
      out.add(join(ctr, "securityContext", "runAsUser"));
      out.add(join(pod, "securityContext", "runAsUser"));
      out.add(join(ctr, "securityContext", "runAsNonRoot"));
      out.add(join(pod, "securityContext", "runAsNonRoot"));
    } else if (a.equals("privileged")) {
      out.add(join(ctr, "securityContext", "privileged"));
    } else if (a.startsWith("capAdd") || a.startsWith("capDrop")) {
      List<Object> list = join(ctr, "securityContext", "capabilities", a.startsWith("capAdd") ? "add" : "drop");
      int i = indexOfText(x.container().path("securityContext").path("capabilities")
          .path(a.startsWith("capAdd") ? "add" : "drop"), value);
      out.add(i < 0 ? list : join(list, i));
      out.add(list);
    } else if (a.startsWith("seccomp")) {
      out.add(join(ctr, "securityContext", "seccompProfile"));
      out.add(join(pod, "securityContext", "seccompProfile"));
    } else if (a.startsWith("apparmor")) {
      out.add(join(ctr, "securityContext", "appArmorProfile"));
      out.add(join(pod, "securityContext", "appArmorProfile"));
      out.add(join(meta, "annotations", "container.apparmor.security.beta.kubernetes.io/"
          + x.container().path("name").asText("")));
    } else if (a.startsWith("selinuxLabel")) {
      out.add(join(ctr, "securityContext", "seLinuxOptions"));
      out.add(join(pod, "securityContext", "seLinuxOptions"));
    } else if (a.equals("securityOpts")) {
      out.add(join(ctr, "securityContext", "allowPrivilegeEscalation"));
    } else if (a.equals("maskedPaths")) {
      out.add(join(ctr, "securityContext", "procMount"));
    } else if (a.startsWith("mounts[")) {
      String first = value.split(" ", 2)[0];
      int vol = -1;
      int k = 0;
      for (JsonNode volume : x.spec().path("volumes")) {
        if (volume.path("hostPath").path("path").asText("").equals(first)) {
          vol = k;
          break;
        }
        k++;
      }
      if (vol >= 0) {
        out.add(join(pod, "volumes", vol, "hostPath", "path"));
      }
      int m = indexWhere(x.container().path("volumeMounts"), "mountPath", first);
      out.add(m >= 0 ? join(ctr, "volumeMounts", m) : join(ctr, "volumeMounts"));
    } else if (a.equals("networkMode") || a.equals("utsMode")) {
      out.add(join(pod, "hostNetwork"));
    } else if (a.equals("pidMode")) {
      out.add(join(pod, "hostPID"));
    } else if (a.equals("ipcMode")) {
      out.add(join(pod, "hostIPC"));
    } else if (a.startsWith("sysctls")) {
      out.add(join(pod, "securityContext", "sysctls"));
    } else if (a.equals("runtime")) {
      out.add(join(pod, "runtimeClassName"));
    } else if (a.equals("memory")) {
      out.add(join(ctr, "resources", "limits", "memory"));
    } else if (a.equals("cpu")) {
      out.add(join(ctr, "resources", "limits", "cpu"));
    } else if (a.equals("readOnlyRootfs")) {
      out.add(join(ctr, "securityContext", "readOnlyRootFilesystem"));
    } else if (a.equals("restartPolicy")) {
      out.add(join(pod, "restartPolicy"));
    } else if (a.equals("healthcheck")) {
      out.add(join(ctr, "livenessProbe"));
      out.add(join(ctr, "readinessProbe"));
    } else if (a.equals("image") || a.startsWith("image")) {
      out.add(join(ctr, "image"));
    }
    if (out.isEmpty()) {
      out.add(ctr);
    }
    return out;
  }

  private static int indexWhere(JsonNode array, String field, String value) {
    int i = 0;
    for (JsonNode n : array) {
      if (n.path(field).asText("").equals(value)) {
        return i;
      }
      i++;
    }
    return -1;
  }

  private static int indexOfText(JsonNode array, String value) {
    String wanted = value.split(" ", 2)[0].replace("\"", "").toUpperCase(Locale.ROOT).replace("CAP_", "");
    int i = 0;
    for (JsonNode n : array) {
      if (n.asText("").toUpperCase(Locale.ROOT).replace("CAP_", "").equals(wanted)) {
        return i;
      }
      i++;
    }
    return -1;
  }

  private static List<Object> join(List<Object> base, Object... more) {
    List<Object> out = new ArrayList<>(base);
    for (Object o : more) {
      if (o instanceof List) {
        out.addAll((List<?>) o);
      } else {
        out.add(o);
      }
    }
    return out;
  }

  /** {@code spec.template.spec.containers[0]} as steps; keys hold no dot or bracket. */
  static List<Object> steps(String path) {
    List<Object> out = new ArrayList<>();
    for (String part : path.split("\\.")) {
      if (part.isEmpty()) {
        continue;
      }
      Matcher m = STEP.matcher(part);
      if (!m.matches()) {
        out.add(part);
        continue;
      }
      out.add(m.group(1));
      Matcher i = INDEX.matcher(m.group(2));
      while (i.find()) {
        out.add(Integer.parseInt(i.group(1)));
      }
    }
    return out;
  }

  /** The steps written as a YAML path, as remedies write them. */
  static String text(List<Object> path) {
    StringBuilder sb = new StringBuilder();
    for (Object s : path) {
      if (s instanceof Integer) {
        sb.append('[').append(s).append(']');
      } else {
        sb.append(PodSecurity.yamlKey((String) s));
      }
    }
    return sb.length() > 0 && sb.charAt(0) == '.' ? sb.substring(1) : sb.toString();
  }

  /** How far a path got in a document: the steps found and the mark of the last one (its key, for a field). */
  private record Found(int depth, Mark mark) {}

  private static Found walk(Node root, List<Object> path) {
    Node n = root;
    Mark mark = root.getStartMark();
    int depth = 0;
    for (Object step : path) {
      Node next = null;
      Mark at = null;
      if (step instanceof Integer && n instanceof SequenceNode) {
        List<Node> items = ((SequenceNode) n).getValue();
        int i = (Integer) step;
        if (i < items.size()) {
          next = items.get(i);
          at = next.getStartMark();
        }
      } else if (step instanceof String && n instanceof MappingNode) {
        for (NodeTuple t : ((MappingNode) n).getValue()) {
          if (t.getKeyNode() instanceof ScalarNode && ((ScalarNode) t.getKeyNode()).getValue().equals(step)) {
            next = t.getValueNode();
            at = t.getKeyNode().getStartMark();
          }
        }
      }
      if (next == null) {
        break;
      }
      n = next;
      mark = at;
      depth++;
    }
    return new Found(depth, mark);
  }
}
