package dev.carapace.examples;

import dev.carapace.cluster.KubernetesRenderer;
import dev.carapace.cluster.KubernetesWorkload;
import dev.carapace.cluster.ManifestAudit;
import dev.carapace.core.ContainerPath;
import dev.carapace.core.MemorySize;
import dev.carapace.core.Mount;
import dev.carapace.core.SecureContainerSpec;
import dev.carapace.core.SpecAttribute;
import dev.carapace.policy.PolicyReport;
import dev.carapace.policy.Profiles;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The spec you launch on one engine, as a Kubernetes Pod: renders a hardened spec's Pod YAML (what a
 * pod cannot carry, its pids limit and {@code --network none}, is accepted by name, loudly), judges it
 * with Pod Security Standards restricted, then audits a Pod written by hand with the same rules.
 * Needs no engine and no cluster: apply the YAML with {@code kubectl apply -f -} or
 * {@code podman kube play}.
 *
 * <p>Run: {@code mvn -B -ntp -q -pl examples exec:java -Dexec.mainClass=dev.carapace.examples.KubernetesManifest}
 * (argument: a Pod YAML file to audit instead of the bundled hand-written one). Exit code 0 when the
 * rendered Pod passes and the hand-written one's report was printed.
 */
public final class KubernetesManifest {
  private KubernetesManifest() {}

  public static void main(String[] args) throws IOException {
    String handWritten = args.length > 0 ? Files.readString(Path.of(args[0])) : bundledPod();
    System.exit(run("carapace-test/busybox-user:1", handWritten, System.out));
  }

  /** The hand-written Pod this example audits unless given a file. */
  static String bundledPod() {
    try (InputStream in = KubernetesManifest.class.getResourceAsStream("handwritten-pod.yaml")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Prints {@code image}'s hardened Pod, its restricted verdict, and the report on {@code handWritten};
   * returns 0 when the rendered Pod passes.
   */
  public static int run(String image, String handWritten, PrintStream out) {
    // --- snippet: kubernetes-manifest
    SecureContainerSpec spec = SecureContainerSpec.builder()
        .image(image)
        .name("hello")
        .command("sh", "-c", "echo hello from a pod && sleep 3600")
        .user("1000:1000")
        .memoryLimit(MemorySize.ofMebibytes(64))
        .readOnlyRootFilesystem(true)
        .addMount(Mount.tmpfs(ContainerPath.of("/tmp"), MemorySize.ofMebibytes(16)))
        .build();
    KubernetesWorkload<Pod> pod = KubernetesRenderer.builder(spec)
        .acceptLoss(SpecAttribute.PIDS_LIMIT)   // the kubelet's podPidsLimit is per node, not per pod
        .acceptLoss(SpecAttribute.NETWORK)      // a pod always joins the cluster network: no --network none
        .build()
        .pod();                      // or .deployment(), .job(); refused at once if a field cannot be carried
    out.println(pod.yaml());         // kubectl apply -f -   or   podman kube play
    PolicyReport rendered = ManifestAudit.judge(pod.yaml(), Profiles.podSecurityRestricted());
    out.println("rendered pod, pss-restricted: " + (rendered.passed() ? "passed" : "FAILED"));

    PolicyReport theirs = ManifestAudit.judge(handWritten, Profiles.podSecurityRestricted());
    out.println(theirs.toText());    // every container, init and ephemeral ones too, rule by rule
    // --- end snippet
    return rendered.passed() ? 0 : 1;
  }
}
