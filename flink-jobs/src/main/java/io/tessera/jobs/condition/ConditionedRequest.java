package io.tessera.jobs.condition;

import io.tessera.generator.world.World;
import io.tessera.records.GenerationRequest;
import io.tessera.schemas.RecordCodec;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * A request with its conditioning media decoded: what the assembler hands to the generate operator, which
 * tokenizes the media ({@code Generator.sampleRequest}). A Flink POJO (public fields of Flink-native types),
 * so it travels on Flink's own serializers, never Kryo; the Avro request rides as its single-object encoding.
 */
public class ConditionedRequest {

    /** Side of a conditioning frame: frames are brought to the world's size when they are decoded. */
    public static final int FRAME_SIDE = World.SIZE;

    private static final RecordCodec<GenerationRequest> CODEC = RecordCodec.of(GenerationRequest.class);

    /** The request's id (the key downstream, read without decoding the request). */
    public String requestId;
    /** The request, single-object Avro ({@link RecordCodec}). */
    public byte[] request;
    /** Conditioning frames in index order: (frames, FRAME_SIDE * FRAME_SIDE) pixels 0xRRGGBB, row-major. */
    public int[][] frames = new int[0][];
    /** Conditioning audio, 16 kHz mono, the audio chunks in index order; empty when none was promised. */
    public float[] audio16k = new float[0];

    public ConditionedRequest() {}

    public static ConditionedRequest of(GenerationRequest request, int[][] frames, float[] audio16k) {
        ConditionedRequest c = new ConditionedRequest();
        c.requestId = request.getRequestId();
        c.request = CODEC.encode(request);
        c.frames = frames;
        c.audio16k = audio16k;
        return c;
    }

    /** A request that promised no media. */
    public static ConditionedRequest textOnly(GenerationRequest request) {
        return of(request, new int[0][], new float[0]);
    }

    /** The decoded request. */
    public GenerationRequest decodedRequest() {
        return CODEC.decode(request);
    }

    /** The frames as images, in order. */
    public List<BufferedImage> frameImages() {
        List<BufferedImage> out = new ArrayList<>(frames.length);
        for (int[] pixels : frames) {
            BufferedImage img = new BufferedImage(FRAME_SIDE, FRAME_SIDE, BufferedImage.TYPE_INT_RGB);
            img.setRGB(0, 0, FRAME_SIDE, FRAME_SIDE, pixels, 0, FRAME_SIDE);
            out.add(img);
        }
        return out;
    }

    /** The audio, or null when there is none (the generator then uses silence). */
    public float[] audioOrNull() {
        return audio16k == null || audio16k.length == 0 ? null : audio16k;
    }
}
