package dev.carapace.cli.internal.image;

import dev.carapace.cli.internal.InputException;
import dev.carapace.cli.internal.Messages;
import dev.carapace.cli.internal.output.ArtifactInfo;
import dev.carapace.cli.internal.output.Finding;
import dev.carapace.cli.internal.output.OutputOptions;
import dev.carapace.cli.internal.output.Report;
import dev.carapace.cli.internal.output.RuleInfo;
import dev.carapace.cli.internal.output.Target;
import dev.carapace.cli.internal.registry.RegistryOptions;
import dev.carapace.core.ImageTrust;
import dev.carapace.core.ImageVerification;
import dev.carapace.core.RegistryAccess;
import dev.carapace.core.SecureContainerSpec;
import dev.carapace.policy.Note;
import dev.carapace.policy.Policy;
import dev.carapace.policy.PolicyReport;
import dev.carapace.policy.Profiles;
import dev.carapace.policy.Rule;
import dev.carapace.policy.Violation;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code carapace image verify IMAGE...}: each image resolved to its manifest digest through the registry's HTTP API
 * ({@link RegistryAccess}) and its cosign signatures verified with the {@code --key} public keys
 * ({@link ImageTrust}), then judged by the policy module's rules {@code image-signed} (HIGH: no signature by a
 * trusted key verifies for the digest, under {@code --require}; a note under {@code --warn}) and
 * {@code image-pinned} (LOW: the image could not be pinned, its tag not found). Each image's digest and pinned
 * reference is in the report ({@link ArtifactInfo}). A registry that does not answer, refuses the credentials
 * or fails is exit 2 naming the image; so are a key file that cannot be read or holds another key type.
 */
@Command(name = "verify", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Resolves each image to its manifest digest and verifies its cosign signatures (cosign sign --key,"
        + " ImageSigner) with the trusted public keys.",
        "Prints each image's digest; a finding for each image no trusted signature verifies for (image-signed) or"
            + " that cannot be pinned (image-pinned)."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:every image verified (no finding at or above --fail-on)",
        "1:findings at or above --fail-on: an image unsigned, signed by another key, or not found",
        "2:usage or input error: a key file unreadable or of another type, a registry that does not answer in"
            + " time or refuses the credentials (one line on stderr)"})
public final class ImageVerifyCommand implements Callable<Integer> {
  /** The most images one run verifies. */
  static final int MAX_IMAGES = 1000;

  @Spec
  CommandSpec spec;

  @ParentCommand
  ImageCommand parent;

  @Option(names = {"-k", "--key"}, paramLabel = "FILE", required = true,
      description = "a trusted public key, PEM (cosign.pub: ECDSA P-256/P-384/P-521, RSA 2048+, Ed25519);"
          + " repeatable: any of them may have signed")
  List<Path> keys = new ArrayList<>();

  @Option(names = "--require", description = "a signature by a trusted key is required: its absence is a"
      + " finding (high); the default")
  boolean require;

  @Option(names = "--warn", description = "a missing signature is only a note (the finding image-pinned still"
      + " applies)")
  boolean warn;

  @Mixin
  RegistryOptions registry;

  @Mixin
  OutputOptions output;

  @Parameters(arity = "1..*", paramLabel = "IMAGE",
      description = "an image in a registry: NAME[:TAG] or NAME@sha256:DIGEST (registry.example:5000/team/app:1)")
  List<String> images = new ArrayList<>();

  @Override
  public Integer call() {
    if (require && warn) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--require and --warn exclude each other");
    }
    if (images.size() > MAX_IMAGES) {
      throw new CommandLine.ParameterException(spec.commandLine(), "at most " + MAX_IMAGES + " images: "
          + images.size() + " given");
    }
    RegistryAccess access = registry.access(parent.parent.environment(), parent.parent.home());
    ImageTrust.Builder b = ImageTrust.builder().registryAccess(access);
    for (Path key : keys) {
      try {
        b.addTrustedKeys(RegistryOptions.readable(key, "--key " + key));
      } catch (IllegalArgumentException e) {
        throw InputException.of("--key: " + Messages.oneLine(e.getMessage()), e);
      }
    }
    ImageTrust trust = (warn ? b.warnIfUnsigned("*") : b.requireSignature("*")).build();
    for (String image : images) {
      try {
        trust.ruleFor(image);
      } catch (IllegalArgumentException e) {
        throw InputException.of(Messages.oneLine(image) + ": not an image reference: "
            + Messages.oneLine(e.getMessage()), e);
      }
    }
    // each digest's signatures are read once: the rule image-signed judges the verification made here
    Map<String, ImageVerification> verifications = new LinkedHashMap<>();
    List<ImageVerification> verified = new ArrayList<>();
    for (String image : images) {
      verified.add(verifications.computeIfAbsent(RegistryOptions.pinned(access, image, false), trust::verify));
    }
    Rule pinned = Profiles.carapaceDefault().rule("image-pinned").orElseThrow();
    Rule signed = Profiles.imageSignedBy(trust, verifications.values());
    Policy policy = Policy.builder("image verify").addRule(pinned).addRule(signed).build();
    List<Finding> findings = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    List<ArtifactInfo> artifacts = new ArrayList<>();
    for (int i = 0; i < images.size(); i++) {
      String image = images.get(i);
      ImageVerification v = verified.get(i);
      PolicyReport r = policy.evaluate(SecureContainerSpec.builder().image(v.image()).build());
      for (Violation x : r.violations()) {
        findings.add(Finding.of(x.ruleId(), x.severity(), image + ": " + x.message(), x.remedy())
            .on(Target.image(image, x.ruleId())));
      }
      for (Note n : r.notes()) {
        notes.add(image + ": " + n.ruleId() + ": " + n.reason());
      }
      Map<String, String> properties = new LinkedHashMap<>();
      properties.put("rule", warn ? "warn" : "require");
      properties.put("signature", v.signatureVerified() ? "verified, " + v.signedBy().orElse("a trusted key")
          : "not verified, " + v.problem().orElse("no signature by a trusted key"));
      artifacts.add(new ArtifactInfo(image, v.pinnedImage().orElse(null), v.digest().orElse(null), properties));
    }
    int k = trust.trustedKeys().size();
    String subject = images.size() + (images.size() == 1 ? " image" : " images") + " against " + k
        + (k == 1 ? " trusted key" : " trusted keys") + ", " + (warn ? "signature warned about" : "signature required");
    return output.emit(new Report("image verify", subject, List.of(RuleInfo.of(signed), RuleInfo.of(pinned)),
        findings, notes, artifacts), spec.commandLine().getOut());
  }
}
