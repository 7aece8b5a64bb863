package dev.carapace.cluster;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.carapace.core.SecureContainerSpec;
import dev.carapace.core.internal.fields.SpecTranslator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The body of {@code POST /services/create} (a {@code ServiceSpec}) for a spec and a deployment,
 * written by the {@link SwarmField} rows as raw JSON: docker-java 3.7.1's {@code ContainerSpec} lacks
 * the capability, ulimit and pids fields.
 */
final class SwarmRequest {
  static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private final ObjectNode service = JSON.objectNode();
  private final ObjectNode task;
  private final ObjectNode container;
  private ObjectNode privileges;
  private ObjectNode limits;

  private SwarmRequest() {
    task = service.putObject("TaskTemplate");
    container = task.putObject("ContainerSpec");
  }

  /**
   * The service spec for {@code spec} deployed as {@code deployment} on {@code api}, every container
   * and the service labelled with {@code ownLabels}. Fields the API cannot carry are simply not
   * written: the caller refused them, or the caller accepted their loss.
   */
  static ObjectNode of(SecureContainerSpec spec, SwarmDeployment deployment, SwarmApi api,
      Map<String, String> ownLabels) {
    SwarmRequest r = new SwarmRequest();
    r.service.put("Name", deployment.serviceName(spec));
    Map<String, String> labels = new LinkedHashMap<>(SpecTranslator.labels(spec));
    labels.putAll(ownLabels);
    ObjectNode serviceLabels = r.service.putObject("Labels");
    ownLabels.forEach(serviceLabels::put);
    for (SwarmField f : SwarmField.values()) {
      if (f.lossReason(spec, api) == null) {
        f.write(spec, api, r);
      }
    }
    ObjectNode containerLabels = r.container.putObject("Labels");
    labels.forEach(containerLabels::put);
    ObjectNode restart = r.task.putObject("RestartPolicy").put("Condition", deployment.restartCondition(spec).apiName());
    deployment.restartAttempts(spec).ifPresent(n -> restart.put("MaxAttempts", n));
    r.service.putObject("Mode").putObject("Replicated").put("Replicas", deployment.replicas());
    r.service.putObject("UpdateConfig").put("Parallelism", deployment.updateParallelism());
    return r.service;
  }

  ObjectNode service() {
    return service;
  }

  ObjectNode task() {
    return task;
  }

  ObjectNode container() {
    return container;
  }

  ObjectNode privileges() {
    if (privileges == null) {
      privileges = container.putObject("Privileges");
    }
    return privileges;
  }

  ObjectNode limits() {
    if (limits == null) {
      limits = task.putObject("Resources").putObject("Limits");
    }
    return limits;
  }

  ArrayNode array() {
    return JSON.arrayNode();
  }
}
