package dev.carapace.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.carapace.core.SecureContainerSpec;
import dev.carapace.core.SpecAttribute;
import dev.carapace.tls.testing.Fuzz;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Every string the renderer writes reads back as the same string, by a YAML 1.1 reader (SnakeYAML: it
 * types {@code yes}, {@code 1:20}, {@code 2001-12-14}, {@code 0x1F} and {@code 1_000} as YAML 1.1 does) and by
 * Jackson, as a tree and as fabric8's model: env names and values, command words, label keys and values, names,
 * over {@link HostileScalars#KNOWN} and {@link Fuzz#count()} generated hostile strings from a fixed seed, in
 * pods of {@value #PER_POD}.
 * go-yaml v2 reads them in {@code PodmanKubePlayIT#hostileEnvValuesArriveInsideUnchanged}.
 */
class RenderedYamlReadBackPropertyTest {
  private static final long SEED = 0x59A3_1L;
  private static final int PER_POD = 10;

  /** SnakeYAML's own types, as YAML 1.1 has them: what the read-back is judged with. */
  private static Object snake(String yaml) {
    return new org.yaml.snakeyaml.Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
  }

  private static SecureContainerSpec spec(List<String> hostile) {
    SecureContainerSpec.Builder b = SecureContainerSpec.builder().image("busybox:1.36").name("read-back");
    List<String> words = new ArrayList<>(List.of("echo"));
    for (int i = 0; i < hostile.size(); i++) {
      String h = hostile.get(i);
      b.putEnv("V" + i, h);
      words.add(h);
      if (!h.isEmpty() && h.indexOf('=') < 0 && !h.matches("V[0-9]+")) {
        b.putEnv(h, "name " + i);
      }
      if (KubernetesNames.isLabelKey(h) && !h.startsWith(SecureContainerSpec.RESERVED_LABEL_PREFIX)
          && !h.startsWith("app.kubernetes.io/")) {
        b.putLabel(h, "key");
      }
      if (KubernetesNames.isLabelValue(h)) {
        b.putLabel("value-" + i, h);
      }
    }
    return b.command(words).build();
  }

  private static KubernetesWorkload<Pod> render(SecureContainerSpec spec) {
    return KubernetesRenderer.builder(spec).acceptLoss(SpecAttribute.PIDS_LIMIT).acceptLoss(SpecAttribute.NETWORK)
        .build().pod();
  }

  @SuppressWarnings("unchecked")
  private static void readsBackBySnakeYaml(SecureContainerSpec spec, Pod pod, String yaml) {
    Map<String, Object> doc = (Map<String, Object>) snake(yaml);
    Map<String, Object> metadata = (Map<String, Object>) doc.get("metadata");
    assertEquals(pod.getMetadata().getLabels(), metadata.get("labels"), "labels");
    assertEquals(pod.getMetadata().getName(), metadata.get("name"), "name");
    Map<String, Object> container = ((List<Map<String, Object>>) ((Map<String, Object>) doc.get("spec"))
        .get("containers")).get(0);
    assertEquals(spec.command(), container.get("args"), "args");
    Map<Object, Object> env = new LinkedHashMap<>();
    for (Map<String, Object> e : (List<Map<String, Object>>) container.get("env")) {
      // an empty value is left out, as kubectl leaves it out: Kubernetes reads a missing value as ""
      env.put(e.get("name"), e.containsKey("value") ? e.get("value") : "");
    }
    assertEquals(spec.env(), env, "env");
  }

  private static void readsBackByJackson(SecureContainerSpec spec, Pod pod, String yaml) throws Exception {
    JsonNode doc = Yaml.MAPPER.readTree(yaml);
    Map<String, String> labels = new LinkedHashMap<>();
    doc.path("metadata").path("labels").fields().forEachRemaining(e -> labels.put(e.getKey(), text(e.getValue())));
    assertEquals(pod.getMetadata().getLabels(), labels, "labels");
    JsonNode container = doc.path("spec").path("containers").path(0);
    List<String> args = new ArrayList<>();
    container.path("args").forEach(a -> args.add(text(a)));
    assertEquals(spec.command(), args, "args");
    Map<String, String> env = new LinkedHashMap<>();
    container.path("env").forEach(e -> env.put(text(e.path("name")),
        e.has("value") ? text(e.path("value")) : ""));
    assertEquals(spec.env(), env, "env");
    assertEquals(pod, Yaml.read(yaml, Pod.class), "fabric8's model");
  }

  /** A string node's text; any other node (a number, a boolean, a null) fails, naming what it is. */
  private static String text(JsonNode n) {
    assertTrue(n.isTextual(), () -> "read back as " + n.getNodeType() + ": " + n);
    return n.textValue();
  }

  private static void check(List<String> hostile) throws Exception {
    SecureContainerSpec spec = spec(hostile);
    KubernetesWorkload<Pod> w = render(spec);
    Pod pod = w.model();
    String yaml = w.yaml();
    try {
      readsBackBySnakeYaml(spec, pod, yaml);
      readsBackByJackson(spec, pod, yaml);
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "\n" + yaml, e);
    }
  }

  @Test
  void theReaderIsYaml11() {
    Map<?, ?> doc = (Map<?, ?>) snake("a: yes\nb: 1:20\nc: 0x1F\nd: 1_000\ne: 2001-12-14\nf: ~\ng: .inf\n");
    assertEquals(Boolean.TRUE, doc.get("a"));
    assertEquals(80, doc.get("b"));
    assertEquals(31, doc.get("c"));
    assertEquals(1000, doc.get("d"));
    assertFalse(doc.get("e") instanceof String);
    assertTrue(doc.containsKey("f") && doc.get("f") == null);
    assertEquals(Double.POSITIVE_INFINITY, doc.get("g"));
  }

  @Test
  void namesThatLookLikeNumbersOrDatesReadBackAsNames() throws Exception {
    for (String name : List.of("1e3", "0x1f", "0o17", "017", "1000", "2001-12-14", "0b1", "1e-3", "123e4567")) {
      SecureContainerSpec spec = SecureContainerSpec.builder().image("busybox:1.36").name(name).build();
      for (KubernetesWorkload<?> w : List.of(render(spec),
          KubernetesRenderer.builder(spec).acceptLoss(SpecAttribute.PIDS_LIMIT).acceptLoss(SpecAttribute.NETWORK)
              .build().deployment())) {
        assertTrue(w.yaml().contains("name: \"" + name + "\"\n"), w.yaml());
        Map<?, ?> metadata = (Map<?, ?>) ((Map<?, ?>) snake(w.yaml())).get("metadata");
        assertEquals(name, metadata.get("name"));
        assertEquals(name, ((Map<?, ?>) metadata.get("labels")).get(KubernetesRenderer.NAME_LABEL));
        assertEquals(name, text(Yaml.MAPPER.readTree(w.yaml()).path("metadata").path("name")));
      }
    }
  }

  @Test
  void everyKnownHostileStringReadsBackAsItself() throws Exception {
    for (String h : HostileScalars.KNOWN) {
      try {
        check(List.of(h));
      } catch (AssertionError | RuntimeException e) {
        throw new AssertionError(Fuzz.escape(h) + ": " + e.getMessage(), e);
      }
    }
    check(HostileScalars.KNOWN);
  }

  @Test
  void everyGeneratedHostileStringReadsBackAsItself() {
    Random r = new Random(SEED);
    Fuzz.run("rendered yaml read back", Math.max(1, Fuzz.count() / PER_POD),
        i -> Stream.generate(() -> HostileScalars.next(r)).limit(PER_POD).toList(),
        l -> "seed " + SEED + ": " + l.stream().map(Fuzz::escape).toList(), (i, l) -> check(l));
  }
}
