package io.tessera.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.tessera.records.FinishReason;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventHubTest {

    static final byte[] PNG = TestMedia.png(8, 8, 0);

    EventHub hub(int maxRequests, long maxBytes, long perRequest, int queueEvents, long queueBytes) {
        return new EventHub(maxRequests, maxBytes, perRequest, queueEvents, queueBytes);
    }

    EventHub roomy() {
        return hub(100, 1 << 24, 1 << 22, 1000, 1 << 22);
    }

    static List<String> names(List<SseEvent> events) {
        return events.stream().map(SseEvent::name).toList();
    }

    static List<SseEvent> drain(Subscriber s) throws InterruptedException {
        List<SseEvent> out = new ArrayList<>();
        SseEvent e;
        while ((e = s.poll(0)) != null) {
            out.add(e);
        }
        return out;
    }

    /** One sample with two frames, as the jobs write it. */
    static void oneSample(EventHub hub, String id, int sample, int samples) {
        hub.onToken(Records.token(id, sample, 0, 0, false));
        hub.onMedia(Records.frame(id, sample, 0, 2, PNG));
        hub.onToken(Records.token(id, sample, 1, 1, true));
        hub.onMedia(Records.frame(id, sample, 1, 2, PNG));
        hub.onCompleted(Records.completed(id, sample, samples, FinishReason.LENGTH));
    }

    static io.tessera.records.DeadLetter deadLetter(String requestId, String sourceTopic, String reason) {
        return io.tessera.records.DeadLetter.newBuilder().setSourceTopic(sourceTopic).setStage("GenerationJob/generate")
                .setReason(reason).setRequestId(requestId).setFailedAtMs(7L).build();
    }

    /**
     * A request the job dead-letters (refused, or dropped by the engine) ends its stream with {@code failed} (the
     * stage and reason) and {@code done}, and frees its slot; a dead letter from another topic (one bad media
     * chunk, a reward that failed) or for a request not followed here changes nothing.
     */
    @Test
    void aDeadLetteredRequestEndsItsStreamWithFailedThenDoneAndFreesItsSlot() throws Exception {
        EventHub hub = roomy();
        List<String> finished = new ArrayList<>();
        hub.onFinished(finished::add);
        hub.expect("r", 2);
        EventHub.Subscription sub = hub.subscribe("r", -1);
        hub.onToken(Records.token("r", 0, 0, 0, false));
        hub.onDeadLetter(deadLetter("r", "tessera.media.in", "frame 3 is not a PNG"));
        hub.onDeadLetter(deadLetter("other", "tessera.prompts", "not followed here"));
        assertThat(finished).isEmpty();
        hub.onDeadLetter(deadLetter("r", "tessera.prompts", "exceeds the model's maxSeqLen 1024"));
        List<SseEvent> live = drain(sub.live());
        assertThat(names(live)).containsExactly("token", "failed", "done");
        assertThat(live.get(1).data()).contains("\"reason\":\"exceeds the model's maxSeqLen 1024\"",
                "\"stage\":\"GenerationJob/generate\"");
        assertThat(finished).containsExactly("r");
        hub.onCompleted(Records.completed("r", 0, 2, FinishReason.CANCELLED)); // a straggler after done
        hub.onDeadLetter(deadLetter("r", "tessera.prompts", "again"));
        assertThat(drain(sub.live())).isEmpty();
        assertThat(finished).containsExactly("r");
        assertThat(hub.subscribe("r", -1).ended()).isTrue();
    }

    @Test
    void aLateSubscriberGetsTheReplayThenLiveEventsWithDenseIds() throws Exception {
        EventHub hub = roomy();
        hub.expect("r", 1);
        hub.onToken(Records.token("r", 0, 0, 0, false));
        hub.onMedia(Records.frame("r", 0, 0, 2, PNG));
        EventHub.Subscription sub = hub.subscribe("r", -1);
        assertThat(names(sub.replay())).containsExactly("token", "frame");
        assertThat(sub.ended()).isFalse();

        hub.onToken(Records.token("r", 0, 1, 1, true));
        hub.onMedia(Records.frame("r", 0, 1, 2, PNG));
        hub.onCompleted(Records.completed("r", 0, 1, FinishReason.LENGTH));
        List<SseEvent> live = drain(sub.live());
        assertThat(names(live)).containsExactly("token", "frame", "completed", "done");
        List<Long> ids = new ArrayList<>();
        sub.replay().forEach(e -> ids.add(e.id()));
        live.forEach(e -> ids.add(e.id()));
        assertThat(ids).containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
        assertThat(live.get(3).data()).contains("\"samples\":1");
        assertThat(hub.subscribers("r")).isZero();
    }

    @Test
    void aBestOfCompletionCarriesItsVerifierScoresAndAPlainOneDoesNot() {
        var plain = Records.completed("r", 0, 1, FinishReason.LENGTH);
        assertThat(EventJson.completed(plain)).doesNotContain("bestOf", "verifierScores");
        var best = Records.completed("r", 0, 1, FinishReason.LENGTH);
        best.setBestOf(3);
        best.setVerifierScores(List.of(0.25, 0.75, -1.0));
        assertThat(EventJson.completed(best)).contains("\"bestOf\":3", "\"verifierScores\":[0.25,0.75,-1.0]",
                "\"sampleIndex\":0");
    }

    @Test
    void duplicatesAreDroppedByChunkIdentity() throws Exception {
        EventHub hub = roomy();
        EventHub.Subscription sub = hub.subscribe("r", -1);
        hub.onToken(Records.token("r", 0, 0, 0, false));
        hub.onToken(Records.token("r", 0, 0, 0, false));
        hub.onToken(Records.token("r", 1, 0, 0, false)); // another sample: not a duplicate
        hub.onMedia(Records.frame("r", 0, 0, 2, PNG));
        hub.onMedia(Records.frame("r", 0, 0, 2, PNG));
        hub.onMedia(Records.audio("r", 0, 0, false, TestMedia.wav(16, 16000))); // audio 0 is not frame 0
        hub.onCompleted(Records.completed("r", 0, 2, FinishReason.LENGTH));
        hub.onCompleted(Records.completed("r", 0, 2, FinishReason.LENGTH));
        assertThat(names(drain(sub.live()))).containsExactly("token", "token", "frame", "audio", "completed");
    }

    @Test
    void doneWaitsForEverySampleAnnouncedByThePost() throws Exception {
        EventHub hub = roomy();
        hub.expect("r", 2);
        EventHub.Subscription sub = hub.subscribe("r", -1);
        oneSample(hub, "r", 1, 2);
        assertThat(names(drain(sub.live()))).doesNotContain("done");
        oneSample(hub, "r", 0, 2);
        List<String> rest = names(drain(sub.live()));
        assertThat(rest).endsWith("completed", "done");
    }

    @Test
    void withoutAPostTheSampleCountComesFromGenerationCompleted() throws Exception {
        EventHub hub = roomy();
        EventHub.Subscription sub = hub.subscribe("other", -1);
        oneSample(hub, "other", 0, 2);
        assertThat(names(drain(sub.live()))).doesNotContain("done");
        oneSample(hub, "other", 1, 2);
        assertThat(names(drain(sub.live()))).last().isEqualTo("done");
    }

    @Test
    void doneNeedsTheFinalMediaChunkUnlessTheSampleStoppedAbnormally() throws Exception {
        EventHub hub = roomy();
        hub.expect("ok", 1);
        EventHub.Subscription ok = hub.subscribe("ok", -1);
        hub.onToken(Records.token("ok", 0, 0, 0, true));
        hub.onCompleted(Records.completed("ok", 0, 1, FinishReason.LENGTH));
        assertThat(names(drain(ok.live()))).containsExactly("token", "completed");
        hub.onMedia(Records.frame("ok", 0, 0, 1, PNG));
        assertThat(names(drain(ok.live()))).containsExactly("frame", "done");

        hub.expect("cancelled", 1);
        EventHub.Subscription c = hub.subscribe("cancelled", -1);
        hub.onToken(Records.token("cancelled", 0, 0, -1, true));
        hub.onCompleted(Records.completed("cancelled", 0, 1, FinishReason.CANCELLED));
        assertThat(names(drain(c.live()))).containsExactly("token", "completed", "done");
    }

    @Test
    void subscribingAfterDoneReplaysEverythingAndEnds() {
        EventHub hub = roomy();
        hub.expect("r", 1);
        oneSample(hub, "r", 0, 1);
        EventHub.Subscription sub = hub.subscribe("r", -1);
        assertThat(sub.ended()).isTrue();
        assertThat(names(sub.replay())).containsExactly("token", "frame", "token", "frame", "completed", "done");
        assertThat(hub.subscribers("r")).isZero();
        EventHub.Subscription resumed = hub.subscribe("r", 3);
        assertThat(resumed.replay()).extracting(SseEvent::id).containsExactly(4L, 5L);
    }

    @Test
    void aSlowSubscriberOverflowsAndIsDroppedWithoutHoldingItsEvents() throws Exception {
        EventHub hub = hub(100, 1 << 24, 1 << 22, 3, 1 << 22);
        EventHub.Subscription slow = hub.subscribe("r", -1);
        for (int seq = 0; seq < 3; seq++) {
            hub.onToken(Records.token("r", 0, seq, seq, false));
        }
        assertThat(slow.live().state()).isEqualTo(Subscriber.State.OPEN);
        hub.onToken(Records.token("r", 0, 3, 3, false));
        assertThat(slow.live().state()).isEqualTo(Subscriber.State.OVERFLOWED);
        assertThat(slow.live().queuedEvents()).isZero();
        assertThat(slow.live().poll(10_000)).isNull(); // returns at once: the stream writes its error and ends
        assertThat(hub.subscribers("r")).isZero();
        // The replay buffer still has everything for a client that reconnects.
        assertThat(hub.subscribe("r", -1).replay()).hasSize(4);
    }

    @Test
    void theSubscriberQueueIsBoundedInBytesToo() {
        EventHub hub = hub(100, 1 << 24, 1 << 22, 1000, 2 * 1024);
        EventHub.Subscription sub = hub.subscribe("r", -1);
        byte[] big = new byte[600]; // the hub passes media through; base64 makes 800 bytes of event data
        new java.util.Random(1).nextBytes(big);
        for (int i = 0; i < 10 && sub.live().state() == Subscriber.State.OPEN; i++) {
            hub.onMedia(Records.frame("r", 0, i, 10, big));
        }
        assertThat(sub.live().state()).isEqualTo(Subscriber.State.OVERFLOWED);
    }

    @Test
    void aRequestsReplayDropsItsOldestEventsPastItsByteBound() {
        EventHub hub = hub(100, 1 << 24, 2 * 1024, 1000, 1 << 22);
        for (int seq = 0; seq < 40; seq++) {
            hub.onToken(Records.token("r", 0, seq, seq, false));
        }
        List<SseEvent> replay = hub.subscribe("r", -1).replay();
        assertThat(replay.size()).isLessThan(40);
        assertThat(replay.stream().mapToInt(SseEvent::size).sum()).isLessThanOrEqualTo(2 * 1024);
        assertThat(replay.get(replay.size() - 1).id()).isEqualTo(39L);
        assertThat(hub.retainedBytes()).isLessThanOrEqualTo(2 * 1024);
    }

    @Test
    void leastRecentlyActiveRequestsAreEvictedButNotOnesWithSubscribers() {
        EventHub hub = hub(3, 1 << 24, 1 << 22, 1000, 1 << 22);
        EventHub.Subscription watched = hub.subscribe("a", -1);
        hub.onToken(Records.token("a", 0, 0, 0, false));
        for (String id : List.of("b", "c", "d", "e")) {
            hub.onToken(Records.token(id, 0, 0, 0, false));
        }
        assertThat(hub.retainedRequests()).isEqualTo(3);
        assertThat(hub.subscribers("a")).isEqualTo(1);
        hub.onToken(Records.token("a", 0, 1, 1, false));
        assertThat(watched.live().queuedEvents()).isEqualTo(2);
        assertThat(hub.subscribe("b", -1).replay()).as("b was evicted").isEmpty();
        assertThat(hub.subscribe("e", -1).replay()).hasSize(1);
    }

    @Test
    void theTotalByteBoundHolds() {
        EventHub hub = hub(1000, 8 * 1024, 4 * 1024, 1000, 1 << 22);
        for (int r = 0; r < 50; r++) {
            for (int seq = 0; seq < 5; seq++) {
                hub.onToken(Records.token("r" + r, 0, seq, seq, false));
            }
            assertThat(hub.retainedBytes()).isLessThanOrEqualTo(8 * 1024);
        }
        assertThat(hub.retainedRequests()).isLessThan(50);
    }

    @Test
    void closingEndsLiveSubscriptions() throws Exception {
        EventHub hub = roomy();
        EventHub.Subscription sub = hub.subscribe("r", -1);
        hub.close();
        assertThat(sub.live().poll(10_000)).isNull();
        assertThat(sub.live().state()).isEqualTo(Subscriber.State.CLOSED);
        assertThat(hub.subscribe("r", -1).live().state()).isEqualTo(Subscriber.State.CLOSED);
    }
}
