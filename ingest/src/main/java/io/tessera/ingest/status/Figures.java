package io.tessera.ingest.status;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.List;
import java.util.Map;

/**
 * The dashboard's series over a lookback, one point per tumbling window (oldest first, empty windows included as
 * zeros so charts stay continuous). Window start times are epoch milliseconds of record time.
 *
 * @param windowMs         window size
 * @param fromMs           start of the first window
 * @param toMs             end of the last window (exclusive)
 * @param tokensPerSecond  tokens sampled per second in each window
 * @param timeToFirstToken time to first token of the samples that finished in each window (p50, p99)
 * @param deadLetters      dead letters per window
 * @param activeRequests   requests queued or generating at the end of each window
 * @param rewardByPolicy   mean reward per policy version (all scored samples the store has seen)
 * @param activeNow        requests queued or generating now
 * @param undecodable      records skipped because they did not decode, by topic (since the store began)
 */
public record Figures(long windowMs, long fromMs, long toMs, List<Point> tokensPerSecond,
                      List<LatencyPoint> timeToFirstToken, List<Point> deadLetters, List<Point> activeRequests,
                      List<RewardPoint> rewardByPolicy, long activeNow, Map<String, Long> undecodable) {

    /** A value of one window. */
    public record Point(long startMs, double value) {}

    /**
     * Latency quantiles of one window, from a fixed-bucket histogram ({@link LatencyHistogram}): each quantile is
     * the upper bound of the bucket it falls in, so it overstates by at most one bucket (25 %). Zero when empty.
     */
    public record LatencyPoint(long startMs, long count, double p50Ms, double p99Ms, double meanMs) {}

    /** Mean reward of one policy version over {@code count} scored samples. */
    public record RewardPoint(long policyVersion, long count, double mean) {}

    public Figures {
        tokensPerSecond = List.copyOf(tokensPerSecond);
        timeToFirstToken = List.copyOf(timeToFirstToken);
        deadLetters = List.copyOf(deadLetters);
        activeRequests = List.copyOf(activeRequests);
        rewardByPolicy = List.copyOf(rewardByPolicy);
        undecodable = Map.copyOf(undecodable);
    }

    /** These figures as one line of JSON. */
    public String toJson() {
        try {
            return StatusJson.MAPPER.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write Figures as JSON", e);
        }
    }
}
