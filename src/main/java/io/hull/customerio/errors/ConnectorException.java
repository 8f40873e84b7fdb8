package io.hull.customerio.errors;

/**
 * A failure the connector knows how to talk about: a machine {@code code}, a message written to be shown
 * (to the caller and in the log: it never holds a secret or a value received), and whether trying the same
 * thing again can help. Any other exception is a bug or an accident, told only as {@link SafeError#INTERNAL}.
 */
public abstract class ConnectorException extends RuntimeException {

    private final String code;
    private final boolean permanent;

    protected ConnectorException(String code, boolean permanent, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
        this.permanent = permanent;
    }

    public String code() { return code; }

    /** {@code true}: the same request fails the same way every time (refused input, refused credentials). */
    public boolean permanent() { return permanent; }

    public String reason() { return getMessage(); }
}
