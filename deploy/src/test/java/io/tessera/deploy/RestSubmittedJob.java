package io.tessera.deploy;

import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/** A tiny job packed into a jar by {@link FlinkRestClientIT} and run through Flink's REST API. */
public final class RestSubmittedJob {

  public static void main(String[] args) throws Exception {
    if (args.length != 2 || !args[0].equals("--count")) {
      throw new IllegalArgumentException("usage: --count N");
    }
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.fromSequence(1, Long.parseLong(args[1])).sinkTo(new DiscardingSink<>());
    env.execute("rest-submitted");
  }

  private RestSubmittedJob() {}
}
