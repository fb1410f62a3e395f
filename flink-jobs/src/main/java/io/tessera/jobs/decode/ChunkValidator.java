package io.tessera.jobs.decode;

import io.tessera.jobs.io.RecordValidator;
import io.tessera.records.TokenChunk;

/** Structural checks of a decoded {@link TokenChunk} before it is keyed and ordered. */
public final class ChunkValidator implements RecordValidator<TokenChunk> {

    @Override
    public String problem(TokenChunk c) {
        if (c.getRequestId() == null || c.getRequestId().isBlank()) {
            return "requestId is empty";
        }
        if (c.getSampleIndex() < 0) {
            return "sampleIndex must be >= 0, got " + c.getSampleIndex();
        }
        if (c.getSeq() < 0) {
            return "seq must be >= 0, got " + c.getSeq();
        }
        if (c.getFirstPosition() < 0) {
            return "firstPosition must be >= 0, got " + c.getFirstPosition();
        }
        if (c.getTokens().size() != c.getLogprobs().size()) {
            return "tokens (" + c.getTokens().size() + ") and logprobs (" + c.getLogprobs().size()
                    + ") differ in length";
        }
        return null;
    }
}
