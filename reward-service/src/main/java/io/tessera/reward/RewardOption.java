package io.tessera.reward;

/**
 * One configuration key of the reward: declared once with its default, its allowed range and what it means.
 *
 * @param key          the key as written in maps, flags ({@code --key value}) and JSON
 * @param defaultValue used when the key is absent
 * @param min          smallest allowed value
 * @param max          largest allowed value
 * @param doc          what the key does
 */
public record RewardOption(String key, double defaultValue, double min, double max, String doc) {

    /** The value of this key in {@code raw} (absent: the default), parsed and range-checked. */
    double read(java.util.Map<String, String> raw) {
        String text = raw.get(key);
        if (text == null || text.isBlank()) {
            return defaultValue;
        }
        double v;
        try {
            v = Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid reward option '" + key + "': '" + text + "' is not a number");
        }
        check(v);
        return v;
    }

    void check(double v) {
        if (!(v >= min && v <= max)) {
            throw new IllegalArgumentException("invalid reward option '" + key + "': " + v + " (allowed: " + min
                    + " to " + max + ")");
        }
    }
}
