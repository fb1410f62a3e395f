package io.tessera.jobs;

import java.util.Optional;
import org.apache.flink.streaming.runtime.tasks.mailbox.Mail;
import org.apache.flink.streaming.runtime.tasks.mailbox.TaskMailbox;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;

/** Runs an operator's mails by hand in a test harness (the harness has no mailbox loop of its own). */
public final class Mailboxes {

    private Mailboxes() {}

    /** Runs up to {@code n} pending mails; returns how many ran. */
    public static int run(AbstractStreamOperatorTestHarness<?> harness, int n) throws Exception {
        int ran = 0;
        while (ran < n) {
            Optional<Mail> mail = harness.getTaskMailbox().tryTake(TaskMailbox.MIN_PRIORITY);
            if (mail.isEmpty()) {
                break;
            }
            mail.get().run();
            ran++;
        }
        return ran;
    }
}
