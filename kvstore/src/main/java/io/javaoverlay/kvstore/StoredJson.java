package io.javaoverlay.kvstore;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.javaoverlay.types.IpAddress;
import io.javaoverlay.types.IpPrefix;
import io.javaoverlay.types.MacAddress;

import java.io.IOException;
import java.util.function.Function;

/**
 * The one JSON codec for the records modules keep in the store (each module still owns its key
 * layout and record types: {@code IpamKeys}, {@code NetworkKeys}, {@code ClusterKeys}). Records
 * hold typed values; on the wire the address types are their canonical text ({@code "10.20.0.0/24"},
 * {@code "198.18.0.1"}, {@code "02:42:0a:14:00:05"}), so the JSON stays readable with
 * {@code consul kv get} and records written before the types existed still decode. Unknown fields
 * are ignored (an older plugin reads what a newer one wrote); null fields are left out.
 */
public final class StoredJson {

    private static final ObjectMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .addModule(new SimpleModule("javaoverlay-types")
                    .addSerializer(IpAddress.class, text())
                    .addDeserializer(IpAddress.class, parsed(IpAddress.class, IpAddress::parse))
                    .addSerializer(IpPrefix.class, text())
                    .addDeserializer(IpPrefix.class, parsed(IpPrefix.class, IpPrefix::parse))
                    .addSerializer(MacAddress.class, text())
                    .addDeserializer(MacAddress.class, parsed(MacAddress.class, MacAddress::parse)))
            .build();

    private StoredJson() {
    }

    /** A record as JSON bytes. */
    public static byte[] encode(Object record) {
        try {
            return JSON.writeValueAsBytes(record);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode " + record, e);
        }
    }

    /**
     * Decodes the value stored under {@code key}.
     *
     * @throws IllegalArgumentException naming the key and the type when the bytes are not a valid record
     */
    public static <T> T decode(String key, byte[] value, Class<T> type) {
        try {
            return JSON.readValue(value, type);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("store key " + key + " holds a corrupt " + type.getSimpleName() + ": "
                    + e.getMessage(), e);
        }
    }

    private static <T> JsonSerializer<T> text() {
        return new JsonSerializer<>() {
            @Override
            public void serialize(T value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
                gen.writeString(value.toString());
            }
        };
    }

    private static <T> JsonDeserializer<T> parsed(Class<T> type, Function<String, T> parse) {
        return new JsonDeserializer<>() {
            @Override
            public T deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
                String text = p.getValueAsString();
                try {
                    return parse.apply(text);
                } catch (IllegalArgumentException e) {
                    return type.cast(ctxt.handleWeirdStringValue(type, text, e.getMessage()));
                }
            }
        };
    }
}
