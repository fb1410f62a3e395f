package io.tessera.deploy;

import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.apache.flink.api.dag.Pipeline;
import org.apache.flink.client.deployment.executors.PipelineExecutorUtils;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.PipelineExecutor;
import org.apache.flink.core.execution.PipelineExecutorFactory;
import org.apache.flink.core.execution.PipelineExecutorServiceLoader;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterJobClient;
import org.apache.flink.streaming.api.graph.StreamGraph;

/**
 * Makes {@code env.executeAsync()} submit to one running {@link MiniCluster} instead of starting a new cluster per
 * job (what Flink's default local executor does). Every job keeps its own {@code StreamExecutionEnvironment}; they
 * all share the cluster's slots, REST API and web UI.
 */
final class SharedClusterExecutors implements PipelineExecutorServiceLoader {

  static final String NAME = "tessera-shared-minicluster";

  private final MiniCluster cluster;

  SharedClusterExecutors(MiniCluster cluster) {
    this.cluster = cluster;
  }

  @Override
  public PipelineExecutorFactory getExecutorFactory(Configuration configuration) {
    return new PipelineExecutorFactory() {
      @Override
      public String getName() {
        return NAME;
      }

      @Override
      public boolean isCompatibleWith(Configuration c) {
        return true;
      }

      @Override
      public PipelineExecutor getExecutor(Configuration c) {
        return SharedClusterExecutors.this::submit;
      }
    };
  }

  @Override
  public Stream<String> getExecutorNames() {
    return Stream.of(NAME);
  }

  /** What Flink's {@code LocalExecutor} does, minus starting a cluster: translate, serialize, submit. */
  private CompletableFuture<JobClient> submit(Pipeline pipeline, Configuration configuration, ClassLoader userCode)
      throws Exception {
    StreamGraph graph = PipelineExecutorUtils.getStreamGraph(pipeline, configuration);
    graph.serializeUserDefinedInstances();
    return cluster.submitJob(graph).thenApply(result -> new MiniClusterJobClient(result.getJobID(), cluster,
        userCode, MiniClusterJobClient.JobFinalizationBehavior.NOTHING));
  }
}
