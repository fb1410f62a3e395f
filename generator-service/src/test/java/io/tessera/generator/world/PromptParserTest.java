package io.tessera.generator.world;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class PromptParserTest {

    @Test
    void parsesOneAndTwoObjects() {
        assertThat(PromptParser.parse("a red circle moving left"))
                .containsExactly(new ObjectSpec(Shape.CIRCLE, Colour.RED, Motion.LEFT));
        assertThat(PromptParser.parse("A green square moving UP and a blue triangle moving right."))
                .containsExactly(new ObjectSpec(Shape.SQUARE, Colour.GREEN, Motion.UP),
                        new ObjectSpec(Shape.TRIANGLE, Colour.BLUE, Motion.RIGHT));
    }

    @Test
    void everyGeneratedPromptParsesBackToItsObjects() {
        for (long seed = 0; seed < 500; seed++) {
            ClipSpec s = ClipSpec.random(seed, seed % 2 == 0 ? Split.TRAIN : Split.HELD_OUT);
            List<ObjectSpec> expected = s.objects().stream().map(WorldObject::spec).toList();
            assertThat(PromptParser.parse(s.prompt())).isEqualTo(expected);
        }
    }

    @Test
    void incompletePromptsAreTypedErrorsNamingWhatIsMissing() {
        assertThatThrownBy(() -> PromptParser.parse("a red circle")).isInstanceOf(PromptParseException.class)
                .hasMessageContaining("direction");
        assertThatThrownBy(() -> PromptParser.parse("a circle moving up")).hasMessageContaining("colour");
        assertThatThrownBy(() -> PromptParser.parse("  ")).isInstanceOf(PromptParseException.class);
        assertThat(PromptParser.tryParse("a purple cat")).isEmpty();
    }
}
