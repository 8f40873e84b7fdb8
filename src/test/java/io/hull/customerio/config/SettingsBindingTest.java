package io.hull.customerio.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** connector.settings.* is written with Hull's snake_case names in application.yaml; they must bind. */
class SettingsBindingTest {

    @Test
    void hullNamesBindToTheFallbackSettings() {
        MapConfigurationPropertySource source = new MapConfigurationPropertySource(Map.of(
                "connector.settings.synchronized_segments[0]", "segment-a",
                "connector.settings.enable_user_deletion", "true",
                "connector.settings.events_filter[0]", "page",
                "connector.settings.anonymous_events", "true",
                "connector.settings.user_id_mapping", "email",
                "connector.settings.synchronized_attributes[0]", "traits_x/y",
                "connector.settings.max_attribute_name_length", "40",
                "connector.settings.max_attribute_value_length", "400",
                "connector.settings.max_identifier_value_length", "64"));

        ConnectorProperties connector = new Binder(source).bind("connector", Bindable.of(ConnectorProperties.class)).get();

        ConnectorProperties.Settings settings = connector.getSettings();
        assertThat(settings.getSynchronizedSegments()).containsExactly("segment-a");
        assertThat(settings.isEnableUserDeletion()).isTrue();
        assertThat(settings.getEventsFilter()).containsExactly("page");
        assertThat(settings.isAnonymousEvents()).isTrue();
        assertThat(settings.getUserIdMapping()).isEqualTo("email");
        assertThat(settings.getSynchronizedAttributes()).containsExactly("traits_x/y");
        assertThat(settings.getMaxAttributeNameLength()).isEqualTo(40);
        assertThat(settings.getMaxAttributeValueLength()).isEqualTo(400);
        assertThat(settings.getMaxIdentifierValueLength()).isEqualTo(64);
    }
}
