package io.tessera.generator.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A real listener that records what the engine hands it, checking positions are dense and finishes happen once. */
final class Recorder implements TokenListener {
    final Map<String, List<Integer>> tokens = new LinkedHashMap<>();
    final Map<String, List<Float>> logprobs = new LinkedHashMap<>();
    final Map<String, List<Long>> versions = new LinkedHashMap<>();
    final Map<String, FinishReason> finished = new LinkedHashMap<>();
    final Map<String, SampleTimings> timings = new LinkedHashMap<>();
    private final Map<String, Integer> firstPosition = new LinkedHashMap<>();

    /** Expect the first token of {@code sampleId} at {@code position} (a resumed sample). */
    Recorder startingAt(String sampleId, int position) {
        firstPosition.put(sampleId, position);
        return this;
    }

    @Override
    public void onToken(String sampleId, int position, int token, float logprob, long policyVersion) {
        assertThat(finished).as("token after finish for %s", sampleId).doesNotContainKey(sampleId);
        List<Integer> t = tokens.computeIfAbsent(sampleId, k -> new ArrayList<>());
        assertThat(position).as("dense positions for %s", sampleId)
                .isEqualTo(firstPosition.getOrDefault(sampleId, 0) + t.size());
        t.add(token);
        logprobs.computeIfAbsent(sampleId, k -> new ArrayList<>()).add(logprob);
        versions.computeIfAbsent(sampleId, k -> new ArrayList<>()).add(policyVersion);
    }

    @Override
    public void onFinished(String sampleId, FinishReason reason, SampleTimings t) {
        assertThat(finished).as("finished twice: %s", sampleId).doesNotContainKey(sampleId);
        finished.put(sampleId, reason);
        timings.put(sampleId, t);
    }

    int[] tokensOf(String id) {
        return tokens.getOrDefault(id, List.of()).stream().mapToInt(Integer::intValue).toArray();
    }
}
