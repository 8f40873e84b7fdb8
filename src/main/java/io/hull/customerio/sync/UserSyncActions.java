package io.hull.customerio.sync;

import java.util.function.Function;
import org.apache.camel.Exchange;
import org.apache.camel.Expression;
import org.apache.camel.Predicate;
import org.apache.camel.support.ExpressionAdapter;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The predicates route {@code customerio-user-sync} chooses with, as Camel {@link Predicate} beans: the route
 * names them with the {@code ref} language ({@code when: - ref: userToSkip}).
 *
 * <p>Why {@code ref} to a Predicate bean rather than {@code method} or {@code simple}, all measured
 * (docs/benchmarks.md, item 7):
 * <ul>
 *   <li>{@code simple: "${body.action} == 'SKIP'"} asked Camel's type converter registry for a String → enum
 *       converter on every comparison, a lookup Camel does not cache when it misses: about 40 % of the CPU;</li>
 *   <li>{@code method: userSyncActions.isSkip} copies the whole exchange on every evaluation (Camel's
 *       {@code BeanExpression} protects the body from the bean that way), four times per user;</li>
 *   <li>{@code ref} looks the bean up once, when the route starts, and calls it directly.</li>
 * </ul>
 */
@Configuration(proxyBeanMethods = false)
public class UserSyncActions {

    @Bean
    public Predicate userToSkip() {
        return actionIs(UserSyncTask.Action.SKIP);
    }

    @Bean
    public Predicate userInvalid() {
        return actionIs(UserSyncTask.Action.INVALID);
    }

    @Bean
    public Predicate userToDelete() {
        return actionIs(UserSyncTask.Action.DELETE);
    }

    /** See {@link EventResults#shouldSend}. */
    @Bean
    public Predicate userEventsToSend(EventResults events) {
        return exchange -> events.shouldSend(task(exchange),
                exchange.getProperty(EventResults.USER_RESULT, UserSyncResult.class));
    }

    /**
     * What route customerio-user-sync splits: the customer's attribute chunks ({@code split-attribute-chunks}). An
     * Expression bean for the reason above: {@code simple: ${exchangeProperty.userTask.identifyCalls}} built a new
     * bean expression on every evaluation and hashed the whole task (3 % of a synced user's CPU, issue #17's profile).
     */
    @Bean
    public Expression userIdentifyCalls() {
        return ofTask(UserSyncTask::identifyCalls);
    }

    /** And the events to send after it ({@code send-each-event}). */
    @Bean
    public Expression userSendableEvents() {
        return ofTask(UserSyncTask::sendableEvents);
    }

    private static Expression ofTask(Function<UserSyncTask, Object> part) {
        return new ExpressionAdapter() {
            @Override
            public Object evaluate(Exchange exchange) {
                return part.apply(task(exchange));
            }
        };
    }

    private static Predicate actionIs(UserSyncTask.Action action) {
        return exchange -> task(exchange).action() == action;
    }

    private static UserSyncTask task(Exchange exchange) {
        return exchange.getProperty(UserSyncResults.TASK, UserSyncTask.class);
    }
}
