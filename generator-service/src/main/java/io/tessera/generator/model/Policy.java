package io.tessera.generator.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A transformer's config, weights and version: what the engine samples from and what the RL loop
 * updates. The weights live in native memory on {@link ComputeDevice#get()}; close the policy when
 * done. {@link #withVersion} shares the weights (reference counted: they are freed when the last
 * sharer is closed); {@link #copy} duplicates them.
 *
 * <p>On disk a policy is a directory with {@value #CONFIG_FILE} (the {@link ModelConfig}, the version
 * and the SHA-256 of the weights file) and {@value #WEIGHTS_FILE} (the {@link #toBytes()} payload).
 */
public final class Policy implements AutoCloseable {
    public static final String CONFIG_FILE = "model.properties";
    public static final String WEIGHTS_FILE = "weights.bin";
    private static final int MAGIC = 0x54535250; // "TSRP"
    private static final int FORMAT = 1;

    private final ModelConfig config;
    private final Shared shared;
    private final long version;
    private boolean closed;

    /** Weights plus the RoPE tables derived from the config, shared by every version view. */
    private static final class Shared {
        final NDManager manager;
        final Weights weights;
        final AtomicInteger refs = new AtomicInteger(1);
        volatile Transformer.Rope rope;

        Shared(NDManager manager, Weights weights) {
            this.manager = manager;
            this.weights = weights;
        }
    }

    private Policy(ModelConfig config, Shared shared, long version) {
        this.config = config;
        this.shared = shared;
        this.version = version;
    }

    /** Fresh weights, deterministic in {@code seed} on every device; version 0. */
    public static Policy randomInit(ModelConfig config, long seed) {
        NDManager m = NDManager.newBaseManager(ComputeDevice.get(), ComputeDevice.ENGINE);
        return new Policy(config, new Shared(m, Weights.random(config, seed, m)), 0L);
    }

    public ModelConfig config() {
        return config;
    }

    public long version() {
        return version;
    }

    public Device device() {
        return shared.manager.getDevice();
    }

    /** The same weights under another version number (no copy). */
    public Policy withVersion(long newVersion) {
        ensureOpen();
        shared.refs.incrementAndGet();
        return new Policy(config, shared, newVersion);
    }

    /** A deep copy of the weights, same version; independent of this policy's lifetime. */
    public Policy copy() {
        ensureOpen();
        NDManager m = NDManager.newBaseManager(device(), ComputeDevice.ENGINE);
        List<NDArray> copies = new ArrayList<>();
        for (NDArray a : shared.weights.all()) {
            NDArray c = a.duplicate();
            c.attach(m);
            c.setName(a.getName());
            copies.add(c);
        }
        return new Policy(config, new Shared(m, Weights.of(config, copies)), version);
    }

    /** The parameters in serialisation order (see {@link #parameterNames()}); live arrays, for training. */
    public List<NDArray> parameters() {
        ensureOpen();
        return shared.weights.all();
    }

    public List<String> parameterNames() {
        return Weights.names(config);
    }

    Weights weights() {
        ensureOpen();
        return shared.weights;
    }

    NDManager manager() {
        return shared.manager;
    }

    /** Arrays attached to the weights' manager (for leak tests). */
    int managedArrays() {
        return shared.manager.getManagedArrays().size();
    }

    /**
     * Builds what the first decode step would otherwise build (the RoPE tables), so a policy loaded on a background
     * thread costs the decoding thread nothing when it is swapped in. Idempotent; returns this policy.
     */
    public Policy prepare() {
        ensureOpen();
        rope();
        return this;
    }

    Transformer.Rope rope() {
        Transformer.Rope r = shared.rope;
        if (r == null) {
            synchronized (shared) {
                r = shared.rope;
                if (r == null) {
                    r = Transformer.Rope.create(config, shared.manager);
                    shared.rope = r;
                }
            }
        }
        return r;
    }

    // ---- serialisation --------------------------------------------------------------------------------

    /**
     * The parameters as bytes, for {@code PolicyUpdate.weights}: magic, format, config id, then each
     * parameter's name, shape and float32 little-endian values. Check it with {@link #sha256(byte[])}.
     */
    public byte[] toBytes() {
        ensureOpen();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream((int) Math.min(Integer.MAX_VALUE - 64,
                config.parameterCount() * 4 + 4096));
        try {
            write(new DataOutputStream(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private void write(DataOutputStream out) throws IOException {
        out.writeInt(MAGIC);
        out.writeInt(FORMAT);
        out.writeUTF(config.id());
        List<String> names = parameterNames();
        List<NDArray> arrays = shared.weights.all();
        out.writeInt(names.size());
        for (int i = 0; i < names.size(); i++) {
            NDArray a = arrays.get(i);
            out.writeUTF(names.get(i));
            long[] dims = a.getShape().getShape();
            out.writeInt(dims.length);
            for (long d : dims) {
                out.writeLong(d);
            }
            float[] values = a.toType(DataType.FLOAT32, false).toFloatArray();
            ByteBuffer buf = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            buf.asFloatBuffer().put(values);
            out.write(buf.array());
        }
        out.flush();
    }

    /** Rebuilds a policy (version 0) from {@link #toBytes()}; fails if the bytes belong to another config. */
    public static Policy fromBytes(byte[] bytes, ModelConfig config) {
        return fromBytes(bytes, config, "policy bytes");
    }

    private static Policy fromBytes(byte[] bytes, ModelConfig config, String where) {
        NDManager m = NDManager.newBaseManager(ComputeDevice.get(), ComputeDevice.ENGINE);
        try {
            Weights w = read(new DataInputStream(new java.io.ByteArrayInputStream(bytes)), config, m, where);
            return new Policy(config, new Shared(m, w), 0L);
        } catch (IOException e) {
            m.close();
            throw new ModelFormatException(where + " are truncated or corrupt: " + e, e);
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    private static Weights read(DataInputStream in, ModelConfig config, NDManager m, String where)
            throws IOException {
        if (in.readInt() != MAGIC) {
            throw new ModelFormatException(where + " are not Tessera policy weights (bad magic)");
        }
        int format = in.readInt();
        if (format != FORMAT) {
            throw new ModelFormatException(where + " use weights format " + format + ", this build reads " + FORMAT);
        }
        String id = in.readUTF();
        if (!id.equals(config.id())) {
            throw new ModelFormatException(where + " were made for model config " + id
                    + " but the expected config is " + config.id() + " (" + config + ")");
        }
        int count = in.readInt();
        List<String> names = Weights.names(config);
        List<Shape> shapes = Weights.shapes(config);
        if (count != names.size()) {
            throw new ModelFormatException(where + " hold " + count + " tensors, config expects " + names.size());
        }
        List<NDArray> arrays = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String name = in.readUTF();
            int rank = in.readInt();
            if (rank < 0 || rank > 8) {
                throw new ModelFormatException(where + ": tensor " + name + " has invalid rank " + rank);
            }
            long[] dims = new long[rank];
            for (int d = 0; d < rank; d++) {
                dims[d] = in.readLong();
            }
            Shape shape = new Shape(dims);
            if (!name.equals(names.get(i)) || !shape.equals(shapes.get(i))) {
                throw new ModelFormatException(where + ": tensor " + i + " is " + name + " " + shape
                        + ", config expects " + names.get(i) + " " + shapes.get(i));
            }
            byte[] raw = new byte[Math.toIntExact(shape.size() * 4)];
            in.readFully(raw);
            float[] values = new float[raw.length / 4];
            ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
            NDArray a = m.create(values, shape);
            a.setName(name);
            arrays.add(a);
        }
        if (in.read() != -1) {
            throw new ModelFormatException(where + " have trailing bytes after the last tensor");
        }
        return Weights.of(config, arrays);
    }

    /** Writes {@value #CONFIG_FILE} and {@value #WEIGHTS_FILE} into {@code dir} (created if absent). */
    public void save(Path dir) {
        byte[] bytes = toBytes();
        Properties p = config.toProperties();
        p.setProperty("version", Long.toString(version));
        p.setProperty("weightsSha256", sha256(bytes));
        p.setProperty("format", Integer.toString(FORMAT));
        try {
            Files.createDirectories(dir);
            Path tmp = dir.resolve(WEIGHTS_FILE + ".tmp");
            Files.write(tmp, bytes);
            Files.move(tmp, dir.resolve(WEIGHTS_FILE), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            Path ptmp = dir.resolve(CONFIG_FILE + ".tmp");
            try (OutputStream out = Files.newOutputStream(ptmp)) {
                p.store(out, "Tessera transformer policy");
            }
            Files.move(ptmp, dir.resolve(CONFIG_FILE), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save policy to " + dir, e);
        }
    }

    /** Loads a policy saved by {@link #save}, checking the checksum and that the weights fit the stored config. */
    public static Policy load(Path dir) {
        return load(dir, null);
    }

    /**
     * As {@link #load(Path)}, and also fails unless the stored config equals {@code expected}
     * (null: accept the stored config).
     */
    public static Policy load(Path dir, ModelConfig expected) {
        Properties p = new Properties();
        Path cfgFile = dir.resolve(CONFIG_FILE);
        try (InputStream in = Files.newInputStream(cfgFile)) {
            p.load(in);
        } catch (NoSuchFileException e) {
            throw new ModelFormatException("no policy at " + dir + ": " + CONFIG_FILE + " is missing", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + cfgFile, e);
        }
        ModelConfig config = ModelConfig.fromProperties(p, cfgFile.toString());
        if (expected != null && !expected.equals(config)) {
            throw new ModelFormatException("policy at " + dir + " has config " + config + " (id " + config.id()
                    + ") but " + expected + " (id " + expected.id() + ") was expected");
        }
        String storedId = p.getProperty("id");
        if (storedId != null && !storedId.equals(config.id())) {
            throw new ModelFormatException(cfgFile + " says id " + storedId + " but its fields hash to " + config.id());
        }
        byte[] bytes;
        Path weightsFile = dir.resolve(WEIGHTS_FILE);
        try {
            bytes = Files.readAllBytes(weightsFile);
        } catch (NoSuchFileException e) {
            throw new ModelFormatException("no policy weights at " + weightsFile, e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + weightsFile, e);
        }
        String want = p.getProperty("weightsSha256");
        String got = sha256(bytes);
        if (want == null || !want.equalsIgnoreCase(got)) {
            throw new ModelFormatException("checksum mismatch for " + weightsFile + ": " + CONFIG_FILE + " says "
                    + want + ", file hashes to " + got + " (corrupt or partially written?)");
        }
        long version = Long.parseLong(p.getProperty("version", "0").trim());
        Policy loaded = fromBytes(bytes, config, weightsFile.toString());
        return version == 0 ? loaded : loaded.rebadge(version);
    }

    private Policy rebadge(long newVersion) {
        return new Policy(config, shared, newVersion); // takes over this instance's reference
    }

    /** Hex SHA-256, as carried in {@code PolicyUpdate.sha256}. */
    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("policy version " + version + " is closed");
        }
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            if (shared.refs.decrementAndGet() == 0) {
                shared.manager.close();
            }
        }
    }

    @Override
    public String toString() {
        return "Policy[" + config.id() + ", version=" + version + ", " + config.parameterCount() + " params]";
    }
}
